// ftruncate on XFS, as today (torvalds/linux fs/xfs/xfs_iops.c
// xfs_vn_setattr -> xfs_vn_setattr_size -> xfs_setattr_size): the VFS holds
// i_rwsem (XFS_IOLOCK_EXCL) from do_truncate (linux-6-ext4's), xfs_vn_setattr
// takes XFS_MMAPLOCK_EXCL, which is mapping->invalidate_lock since 5.15; the
// EOF block is zeroed first (xfs_zero_range on a grow from the old EOF,
// xfs_truncate_page at the new EOF on a shrink), then truncate_setsize
// ("We've already locked out new page faults, so now we can safely remove
// pages from the page cache knowing they won't get refaulted until we drop
// the XFS_MMAP_EXCL lock after the extent manipulations are complete"), then
// xfs_itruncate_extents frees the blocks past it. Lines are not given (the
// same reason as linux-6-ext4/truncate.cpp).
#include "models/linux-6-xfs/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_xfs {

// xfs_vn_setattr: xfs_ilock(ip, XFS_MMAPLOCK_EXCL) around
// xfs_vn_setattr_size; ramfs is linux-6-ext4's (simple_setattr).
int Kernel::notify_change(std::uint64_t length) {
  if (!ext2()) return linux_6_ext4::Kernel::notify_change(length);
  filemap_invalidate_lock(true, "xfs_vn_setattr: xfs_ilock(XFS_MMAPLOCK_EXCL)");
  const int error = xfs_setattr_size(length);
  filemap_invalidate_unlock(true, "xfs_vn_setattr: xfs_iunlock(XFS_MMAPLOCK_EXCL)");
  return error;
}

// fs/xfs/xfs_iops.c xfs_setattr_size, with XFS_IOLOCK_EXCL and
// XFS_MMAPLOCK_EXCL held: i_size is read without a step (its writers hold
// the iolock exclusive). The transaction, the inode's on-disk size and
// inode_dio_wait (no direct I/O in the model) are left out.
int Kernel::xfs_setattr_size(std::uint64_t newsize) {
  const std::uint64_t oldsize = s_.inode.i_size.peek();
  // File data changes must be complete and flushed to disk before we call
  // xfs_truncate_page (the flush is the model's writeback's to do).
  if (newsize > oldsize)
    iomap_zero_range(oldsize, newsize - oldsize);  // xfs_zero_range
  else if (newsize % s_.geo.block_size)
    iomap_zero_range(newsize, s_.geo.block_size - newsize % s_.geo.block_size);  // xfs_truncate_page
  truncate_setsize(newsize);
  // xfs_itruncate_extents(&tp, ip, XFS_DATA_FORK, newsize): the blocks past
  // the new size (the model's block map, as ext2_free_data).
  const std::uint64_t first = (newsize + s_.geo.block_size - 1) / s_.geo.block_size;
  pagecache::step(ex(), "xfs_itruncate_extents", {pagecache::W(s_.inode.blockmap_obj)});
  for (std::uint64_t b = first; b < s_.inode.allocated.size(); ++b) s_.inode.allocated[b] = false;
  return 0;
}

}  // namespace models::linux_6_xfs
