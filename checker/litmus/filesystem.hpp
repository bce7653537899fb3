// Which model variant a directory's filesystem is checked against (statfs),
// and the running kernel's release, for the litmus report.
#pragma once

#include <string>

namespace checker::litmus {

struct DirFilesystem {
  std::string name;     // "ext4", "xfs", "tmpfs"; "" when none of them
  std::string variant;  // the page-cache variant that models it; "" none
  unsigned long magic = 0;  // statfs f_type
};

// Throws std::runtime_error when `dir` cannot be examined.
//   ext4 (also ext2 and ext3, which share its magic) -> linux-6-ext4
//   XFS                                              -> linux-6-xfs
//   tmpfs                                            -> linux-6-ext4: shmem's
//     read_iter (mm/shmem.c, shmem_file_read_iter) takes no inode lock, and
//     its write takes it exclusively, as ext4's do; the variant models
//     exactly that difference from XFS (models/linux-6-xfs/).
DirFilesystem filesystem_of(const std::string& dir);

// uname -r.
std::string kernel_release();

}  // namespace checker::litmus
