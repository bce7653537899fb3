// fs/iomap/buffered-io.c (torvalds/linux): the buffered write loop XFS uses,
// iomap_write_iter, where it differs from generic_perform_write (mm/filemap.c,
// linux-6-ext4): the source is faulted in *before* the folio is taken
// ("Bring in the user page that we'll copy from _first_"), so a source that
// faults at once fails with -EFAULT before anything changes; and i_size moves
// in iomap_write_iter by the bytes written only (pos + written), so a copy
// that wrote nothing never grows the file, where ext4's generic_write_end
// sets i_size to pos for a zero-byte write past EOF. The folio-level steps
// (iomap_write_begin reading the parts of partial blocks, the atomic copy,
// "treat any short write to a non-uptodate page as a zero-length write")
// are the model's data paths' (write_begin, block_write_end), whose rules
// are the same. Folios are one page each; the model has no extents, so one
// iomap_iter covers the whole write.
#include <algorithm>

#include "models/linux-6-xfs/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_xfs {

using linux_2_4_0::kEFAULT;
using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// iomap_write_iter.
std::int64_t Kernel::iomap_write_iter(IovIter& i, std::uint64_t pos, Bytes& data) {
  const std::uint64_t chunk = s_.geo.page_size;  // mapping_max_folio_size: one page per folio in the model
  std::int64_t total_written = 0;
  std::int64_t status = 0;
  std::vector<std::uint64_t> bad;  // user pages whose (injected) fault could not be handled
  do {
    Page* page = nullptr;
    Bytes got;
    std::uint64_t offset, copied, written, old_size;
    std::uint64_t bytes = i.count;
  retry:
    offset = pos & (chunk - 1);
    bytes = std::min(chunk - offset, bytes);
    // balance_dirty_pages_ratelimited_flags: no dirty threshold in the model.
    // Bring in the user page that we'll copy from _first_. Otherwise there's
    // a nasty deadlock on copying from the same page as we're writing to,
    // without it being marked up-to-date.
    if (fault_in_iov_iter_readable(i, bytes, bad) == bytes) {
      status = -kEFAULT;
      break;
    }
    status = write_begin(pos, static_cast<unsigned>(bytes), page);  // iomap_write_begin
    if (status) break;  // iomap_write_failed: nothing was instantiated past EOF by a failed begin
    // IOMAP_F_STALE: no extents to go stale in the model.
    // mapping_writably_mapped -> flush_dcache_folio: no-op.
    got.clear();
    copied = iov_iter_copy_from_user_atomic(*page, i, static_cast<unsigned>(offset), bytes, got, bad);
    written = iomap_write_end(pos, static_cast<unsigned>(bytes), static_cast<unsigned>(copied), *page) ? copied : 0;
    // Update the in-memory inode size after copying the data into the page
    // cache. ... Only once that's done can we unlock and release the folio.
    step(ex(), "iomap_write_iter: i_size_write", {W(s_.inode.size_obj)});
    old_size = s_.inode.i_size;
    if (pos + written > old_size)
      s_.inode.i_size = pos + written;  // IOMAP_F_SIZE_CHANGED
    else
      narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
    // __iomap_put_folio
    UnlockPage(*page);
    page_cache_release(*page);
    if (old_size < pos) pagecache_isize_extended(old_size, pos);
    // cond_resched()
    if (written == 0) {
      // A short copy made iomap_write_end() reject the thing entirely.
      // iomap_write_failed truncates the page cache past EOF: a folio it
      // would drop there holds no file data (i_size did not move over it).
      // iov_iter_revert(i, copied): the model advances only by `written`.
      if (copied) {
        bytes = copied;
        goto retry;
      }
    } else {
      i.advance(written);
      pos += written;
      total_written += static_cast<std::int64_t>(written);
      data.insert(data.end(), got.begin(), got.begin() + static_cast<std::ptrdiff_t>(written));
    }
  } while (i.count);
  return total_written ? total_written : status;
}

// iomap_write_end -> __iomap_write_end: "treat any short write to a
// non-uptodate page as a zero-length write, and force the caller to redo the
// whole thing"; otherwise the range is marked uptodate and dirty. For the
// block filesystem the model's buffer heads carry those per-block states, as
// iomap_folio_state's bitmaps do: block_write_end takes the same decision
// and commits the range. For ramfs's data path, the folio itself.
bool Kernel::iomap_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  if (ext2()) return block_write_end(pos, len, copied, page) == static_cast<int>(copied);
  if (copied < len && !Page_Uptodate(page)) return false;
  SetPageUptodate(page);                        // iomap_set_range_uptodate
  pagecache::set_page_dirty(s_.mapping, page);  // filemap_dirty_folio
  return true;
}

// iomap_zero_range(inode, pos, len), as xfs_zero_range calls it from the old
// EOF to a write past it: the folio holding `pos` (the old EOF) is taken as a
// write takes it (iomap_write_begin reads what a partial block needs), the
// range is zeroed (folio_zero_range) and ended as a write of those bytes. The
// blocks after the EOF block are holes, which iomap_zero_range skips: no
// model page past the EOF page is cached with anything but zeros (a write
// that instantiated one either moved i_size over it or wrote nothing there).
int Kernel::iomap_zero_range(std::uint64_t pos, std::uint64_t len) {
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint64_t offset = pos % ps;
  if (len == 0 || offset == 0) return 0;  // the old EOF ends a page: no block of it lies past EOF
  const std::uint64_t bytes = std::min(ps - offset, len);
  Page* page = nullptr;
  const int status = write_begin(pos, static_cast<unsigned>(bytes), page);
  if (status) return status;
  step(ex(), "iomap_zero_iter: folio_zero_range", {W(page->data_obj())});
  std::fill_n(page->data.write().begin() + static_cast<std::ptrdiff_t>(offset), bytes, std::uint8_t{0});
  iomap_write_end(pos, static_cast<unsigned>(bytes), static_cast<unsigned>(bytes), *page);
  // __iomap_put_folio; i_size is not moved by zeroing past EOF.
  UnlockPage(*page);
  page_cache_release(*page);
  return 0;
}

}  // namespace models::linux_6_xfs
