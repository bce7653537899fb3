// fs/ramfs/inode.c of Linux 2.4.0 (L65-108): the page cache is the only copy
// of the file; nothing is ever written anywhere.
#include <algorithm>

#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_4_0 {

using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// fs/ramfs/inode.c L65 ramfs_readpage: a page that is not uptodate is
// zero-filled. (Called with the page locked: its PG_uptodate is stable.)
int Kernel::ramfs_readpage(Page& page) {
  if (!page.uptodate) {
    step(ex(), "ramfs_readpage: memset", {W(page.data_obj())});
    std::fill(page.data.write().begin(), page.data.write().end(), std::uint8_t{0});
    // kunmap; flush_dcache_page
    SetPageUptodate(page);
  }
  UnlockPage(page);
  return 0;
}

// fs/ramfs/inode.c L81 ramfs_writepage: SetPageDirty, return 0. It does not
// unlock the page, although its callers (filemap_fdatasync, page_launder)
// expect writepage to: a page it is called on stays locked.
int Kernel::ramfs_writepage(Page& page) {
  SetPageDirty(page);
  return 0;
}

// fs/ramfs/inode.c L87 ramfs_prepare_write.
int Kernel::ramfs_prepare_write(Page& page, unsigned from, unsigned to) {
  (void)from;
  (void)to;
  // void *addr = kmap(page);
  if (!page.uptodate) {  // under the page lock
    step(ex(), "ramfs_prepare_write: memset", {W(page.data_obj())});
    std::fill(page.data.write().begin(), page.data.write().end(), std::uint8_t{0});
    SetPageUptodate(page);
  }
  SetPageDirty(page);
  return 0;
}

// fs/ramfs/inode.c L99 ramfs_commit_write.
int Kernel::ramfs_commit_write(Page& page, unsigned from, unsigned to) {
  (void)from;
  const std::uint64_t pos = std::uint64_t{page.index} * s_.geo.page_size + to;
  // kunmap(page);
  step(ex(), "ramfs_commit_write: i_size", {W(s_.inode.size_obj)});
  if (pos > s_.inode.i_size)
    s_.inode.i_size = pos;
  else
    narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
  return 0;
}

// fs/ramfs/inode.c L272 ramfs_sync_file.
int Kernel::ramfs_sync_file() { return 0; }

}  // namespace models::linux_2_4_0
