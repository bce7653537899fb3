// linux-6-ext4's paths with XFS's inode-lock rules (gregkh/linux @
// 4e33aedc302667ff2502b27deb1f970fdcbeba37 fs/xfs/xfs_file.c):
// xfs_file_buffered_aio_read takes XFS_IOLOCK_SHARED, the inode's i_rwsem
// for reading, around the whole buffered read; xfs_file_buffered_aio_write
// takes XFS_IOLOCK_EXCL, i_rwsem for writing, around the whole write. XFS's
// iomap data path (iomap_write_begin/iomap_write_end) has the same
// page-level rules as the buffer-head path the model runs (README.md).
#pragma once

#include <memory>

#include "models/linux-6-ext4/kernel.hpp"

namespace models::linux_6_xfs {

using pagecache::Bytes;
using pagecache::File;
using pagecache::State;

class Kernel : public linux_6_ext4::Kernel {
 public:
  using linux_6_ext4::Kernel::Kernel;

  // ---- fs/xfs/xfs_file.c xfs_file_buffered_aio_read
  std::int64_t generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                 Bytes& data) override;

 protected:
  // fs/xfs/xfs_file.c xfs_file_buffered_aio_write: xfs_ilock(XFS_IOLOCK_EXCL)
  void write_lock() override;
  void write_unlock() override;
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::linux_6_xfs
