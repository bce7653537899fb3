// Which model variant a directory's filesystem is checked against (statfs),
// and the running kernel's release, for the litmus report.
#pragma once

#include <string>

#include "checker/scenario/scenario.hpp"

namespace checker::litmus {

struct DirFilesystem {
  std::string name;     // "ext4", "xfs", "tmpfs"; "" when none of them
  std::string variant;  // the page-cache variant that models it; "" none
  unsigned long magic = 0;  // statfs f_type
  // The model's data path for it (a scenario's "filesystem"): "ext2", the
  // block filesystem, for ext4 and XFS; "ramfs" for tmpfs, whose pages are
  // the only copy of the data and whose write_end (shmem_write_end, as
  // ramfs's simple_write_end) neither reads blocks nor zeroes past the old
  // EOF. "" for a filesystem litmus does not know.
  std::string data_path;
};

// Throws std::runtime_error when `dir` cannot be examined.
//   ext4 (also ext2 and ext3, which share its magic) -> linux-6-ext4
//   XFS                                              -> linux-6-xfs
//   tmpfs                                            -> linux-6-ext4: shmem's
//     read_iter (mm/shmem.c, shmem_file_read_iter) takes no inode lock, and
//     its write takes it exclusively, as ext4's do; the variant models
//     exactly that difference from XFS (models/linux-6-xfs/).
DirFilesystem filesystem_of(const std::string& dir);

// `s` read again with `data_path` as its "filesystem" (the runner compares a
// directory's kernel with the model's data path for that filesystem). Throws
// InputError.
Scenario on_data_path(const Scenario& s, const std::string& data_path);

// uname -r.
std::string kernel_release();

}  // namespace checker::litmus
