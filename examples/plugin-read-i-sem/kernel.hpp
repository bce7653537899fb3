// linux-2.4.0 with one change: a buffered read takes the inode's i_sem, as a
// write does (mm/filemap.c generic_file_write: down(&inode->i_sem)). A
// locking change to try before writing it: does it remove the mail's
// problem 3, the torn read, and what does it cost?
#pragma once

#include "models/linux-2.4.0/kernel.hpp"

namespace read_i_sem {

using models::pagecache::Bytes;
using models::pagecache::File;
using models::pagecache::State;

class Kernel : public models::linux_2_4_0::Kernel {
 public:
  using models::linux_2_4_0::Kernel::Kernel;

  // mm/filemap.c generic_file_read, with down(i_sem) / up(i_sem) around it.
  std::int64_t generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                 Bytes& data) override;
};

}  // namespace read_i_sem
