// fs/libfs.c of Linux 2.6.24: simple_write_begin / simple_write_end, the
// ramfs write_begin/write_end added by afddba49d18f.
#include <algorithm>

#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::kENOMEM;
using pagecache::W;
using pagecache::narrow;
using pagecache::R;
using pagecache::step;

// fs/libfs.c simple_write_begin.
int Kernel::simple_write_begin(std::uint64_t pos, unsigned len, Page*& pagep) {
  const std::uint64_t ps = s_.geo.page_size;
  const auto index = static_cast<std::uint32_t>(pos / ps);
  const auto from = static_cast<unsigned>(pos % ps);
  Page* spare = nullptr;
  Page* page = __grab_cache_page(index, spare);
  if (spare) page_cache_free(*spare);
  if (!page) return -kENOMEM;
  pagep = page;
  return simple_prepare_write(*page, from, from + len);
}

// fs/libfs.c simple_prepare_write: a page that is not uptodate is zeroed
// outside [from, to) unless the write covers it whole.
int Kernel::simple_prepare_write(Page& page, unsigned from, unsigned to) {
  const unsigned ps = s_.geo.page_size;
  if (!page.uptodate && to - from != ps) {  // under the page lock
    step(ex(), "simple_prepare_write: memset", {W(page.data_obj())});
    std::fill(page.data.write().begin(), page.data.write().begin() + from, std::uint8_t{0});
    std::fill(page.data.write().begin() + to, page.data.write().end(), std::uint8_t{0});
  }
  return 0;
}

// fs/libfs.c simple_write_end (2.6.24): "zero the stale part of the page if
// we did a short copy" -- whether or not the page is uptodate -- then commit
// the bytes copied.
int Kernel::simple_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  const auto from = static_cast<unsigned>(pos % s_.geo.page_size);
  if (copied < len) {
    step(ex(), "simple_write_end: memset", {W(page.data_obj())});
    std::fill_n(page.data.write().begin() + from + copied, len - copied, std::uint8_t{0});
  }
  simple_commit_write(page, from, from + copied);
  UnlockPage(page);
  page_cache_release(page);
  return static_cast<int>(copied);
}

// fs/libfs.c simple_commit_write.
int Kernel::simple_commit_write(Page& page, unsigned from, unsigned to) {
  (void)from;
  const std::uint64_t pos = std::uint64_t{page.index} * s_.geo.page_size + to;
  if (!page.uptodate) SetPageUptodate(page);
  // No need to use i_size_read() here, the i_size cannot change under us
  // because we hold the i_mutex.
  step(ex(), "simple_commit_write: i_size_write", {W(s_.inode.size_obj)});
  if (pos > s_.inode.i_size)
    s_.inode.i_size = pos;
  else
    narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
  pagecache::set_page_dirty(s_.mapping, page);
  return 0;
}

}  // namespace models::linux_2_6_24
