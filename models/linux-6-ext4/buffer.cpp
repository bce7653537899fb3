// fs/buffer.c generic_write_end as today (torvalds/linux): as 2.6.24's, and
// an extending write that starts past the old EOF calls
// pagecache_isize_extended once the folio is unlocked (mm/truncate.c).
#include "models/linux-6-ext4/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_ext4 {

using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// fs/buffer.c generic_write_end (ext4's ext4_write_end and
// ext4_da_do_write_end take the same steps for the model's file: i_size while
// the folio is locked, then pagecache_isize_extended from the old size).
int Kernel::generic_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  copied = static_cast<unsigned>(block_write_end(pos, len, copied, page));
  // No need to use i_size_read() here, the i_size cannot change under us
  // because we hold i_rwsem. But it's important to update i_size while
  // still holding folio lock: page writeout could otherwise come in and zero
  // beyond i_size.
  step(ex(), "generic_write_end: i_size_write", {W(s_.inode.size_obj)});
  const std::uint64_t old_size = s_.inode.i_size;  // loff_t old_size = inode->i_size
  if (pos + copied > old_size)
    s_.inode.i_size = pos + copied;
  else
    narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
  UnlockPage(page);
  page_cache_release(page);
  if (old_size < pos) pagecache_isize_extended(old_size, pos);
  // mark_inode_dirty: inode metadata.
  return static_cast<int>(copied);
}

}  // namespace models::linux_6_ext4
