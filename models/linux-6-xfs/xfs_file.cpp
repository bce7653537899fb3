// fs/xfs/xfs_file.c (gregkh/linux @ 4e33aedc302667ff2502b27deb1f970fdcbeba37):
// the inode lock around buffered reads and writes. The XFS iolock is the VFS
// inode's i_rwsem (xfs_ilock: down_read / down_write of VFS_I(ip)->i_rwsem).
#include "models/linux-6-xfs/kernel.hpp"

namespace models::linux_6_xfs {

// xfs_file_buffered_aio_read: xfs_ilock(ip, XFS_IOLOCK_SHARED);
// generic_file_read_iter(iocb, to); xfs_iunlock(ip, XFS_IOLOCK_SHARED).
std::int64_t Kernel::generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                       Bytes& data) {
  s_.inode.i_rwsem->down_read("xfs_file_buffered_aio_read: xfs_ilock(XFS_IOLOCK_SHARED)");
  const std::int64_t ret = linux_6_ext4::Kernel::generic_file_read(filp, buf, count, ppos, data);
  s_.inode.i_rwsem->up_read("xfs_file_buffered_aio_read: xfs_iunlock(XFS_IOLOCK_SHARED)");
  return ret;
}

void Kernel::write_lock() { s_.inode.i_rwsem->down_write("xfs_file_buffered_aio_write: xfs_ilock(XFS_IOLOCK_EXCL)"); }
void Kernel::write_unlock() {
  s_.inode.i_rwsem->up_write("xfs_file_buffered_aio_write: xfs_iunlock(XFS_IOLOCK_EXCL)");
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::linux_6_xfs
