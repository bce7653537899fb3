// fs/xfs/xfs_file.c (torvalds/linux; the locks as in gregkh/linux @
// 4e33aedc302667ff2502b27deb1f970fdcbeba37): the inode lock around buffered
// reads and writes, and the buffered write's checks. The XFS iolock is the
// VFS inode's i_rwsem (xfs_ilock: down_read / down_write of
// VFS_I(ip)->i_rwsem).
#include "models/linux-6-xfs/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_xfs {

using pagecache::R;
using pagecache::step;

// xfs_file_buffered_read: xfs_ilock(ip, XFS_IOLOCK_SHARED);
// generic_file_read_iter(iocb, to); xfs_iunlock(ip, XFS_IOLOCK_SHARED).
std::int64_t Kernel::generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                       Bytes& data) {
  s_.inode.i_rwsem->down_read("xfs_file_buffered_read: xfs_ilock(XFS_IOLOCK_SHARED)");
  const std::int64_t ret = linux_6_ext4::Kernel::generic_file_read(filp, buf, count, ppos, data);
  s_.inode.i_rwsem->up_read("xfs_file_buffered_read: xfs_iunlock(XFS_IOLOCK_SHARED)");
  return ret;
}

void Kernel::write_lock() { s_.inode.i_rwsem->down_write("xfs_file_buffered_write: xfs_ilock(XFS_IOLOCK_EXCL)"); }
void Kernel::write_unlock() {
  s_.inode.i_rwsem->up_write("xfs_file_buffered_write: xfs_iunlock(XFS_IOLOCK_EXCL)");
}

// xfs_file_buffered_write: the iolock, xfs_file_write_checks, then
// iomap_file_buffered_write (one iomap_iter over the whole range: the model
// has no extents, so iomap_write_iter runs once for all of it).
std::int64_t Kernel::generic_file_aio_write(File& file, const std::vector<IoVec>& iov, std::uint64_t& ppos,
                                            Bytes& data) {
  write_lock();
  std::uint64_t count = 0;
  for (const IoVec& v : iov) count += v.length;
  std::int64_t ret = 0;
  if (count > 0) {  // xfs_file_write_iter: if (iov_iter_count(from) == 0) return 0
    std::uint64_t pos = ppos;  // ki_pos: reaches f_pos only if the write returns > 0 (linux-6-ext4's)
    ret = xfs_file_write_checks(file, pos);  // the iocb: the file's flags, ki_pos
    if (ret == 0) {
      IovIter i{iov, 0, 0, count};
      ret = iomap_write_iter(i, pos, data);  // iomap_file_buffered_write
      if (ret > 0) ppos = pos + static_cast<std::uint64_t>(ret);  // iocb->ki_pos += ret; *ppos = ki_pos
    }
  }
  write_unlock();
  // generic_write_sync: O_SYNC not in the model; the ENOSPC/EDQUOT retries
  // (xfs_blockgc_free_space) neither.
  return ret;
}

// xfs_file_write_checks: generic_write_checks (rlimits, s_maxbytes: not
// in the model; O_APPEND: ki_pos = i_size_read, under the iolock taken
// exclusive); "If the offset is beyond the size of the
// file, we need to zero all blocks that fall between the existing EOF and the
// start of this write." The unlocked i_size check is exact here: the iolock
// is held exclusive and nothing else moves i_size in the model.
int Kernel::xfs_file_write_checks(const File& file, std::uint64_t& pos) {
  if (file.f_flags & pagecache::kOpenAppend)
    pos = i_size_for_append("generic_write_checks_count: IOCB_APPEND ki_pos = i_size_read", Bytes{});
  step(ex(), "xfs_file_write_checks: i_size_read", {R(s_.inode.size_obj)});
  if (pos > s_.inode.i_size) return xfs_file_write_zero_eof(pos);
  return 0;  // kiocb_modified: times
}

// xfs_file_write_zero_eof -> xfs_zero_range(ip, isize, pos - isize) ->
// iomap_zero_range. (Draining direct I/O and dropping to the shared iolock:
// the model has neither.)
int Kernel::xfs_file_write_zero_eof(std::uint64_t pos) {
  step(ex(), "xfs_file_write_zero_eof: i_size_read", {R(s_.inode.size_obj)});
  const std::uint64_t isize = s_.inode.i_size;
  if (pos <= isize) return 0;
  return iomap_zero_range(isize, pos - isize);
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::linux_6_xfs
