// mm/filemap.c, fs/buffer.c and fs/libfs.c as today (gregkh/linux @
// 1c6d58b8a03b656bfe4c6930a7d6052782c0bc89), with ext4's inode-lock rules
// (gregkh/linux @ 26b1bfbd8417240adf60564a9991c9ed5ec9e877 fs/ext4/file.c):
// the functions that differ from linux-2.6.24. Folios are one page each.
#include <algorithm>
#include <stdexcept>

#include "models/linux-6-ext4/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::linux_6_ext4 {

using linux_2_4_0::kEFAULT;
using linux_2_4_0::kEIO;
using linux_2_4_0::kENOMEM;
using linux_2_6_24::AOP_TRUNCATED_PAGE;
using pagecache::KernelBuf;
using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

inline constexpr int kEAGAIN = 11;

// include/linux/fs.h struct inode: i_rwsem (an rw_semaphore since 4.7).
Kernel::Kernel(State& s) : linux_2_6_24::Kernel(s) {
  s.inode.i_rwsem = std::make_unique<sim::RwSemaphore>(s.ex, "inode.i_rwsem");
  // mapping->invalidate_lock: only for a scenario that truncates
  // (models/pagecache/address_space.hpp says why that loses nothing).
  for (const pagecache::ThreadSpec& t : s.cfg.threads)
    for (const pagecache::Operation& op : t.ops)
      if (op.kind == pagecache::Operation::Kind::ftruncate && !s.mapping.invalidate_lock)
        s.mapping.invalidate_lock = std::make_unique<sim::RwSemaphore>(s.ex, "mapping.invalidate_lock");
}

// include/linux/fs.h inode_lock: down_write(&inode->i_rwsem).
void Kernel::write_lock() { s_.inode.i_rwsem->down_write("ext4_buffered_write_iter: inode_lock"); }
void Kernel::write_unlock() { s_.inode.i_rwsem->up_write("ext4_buffered_write_iter: inode_unlock"); }

// fs/ext4/file.c ext4_buffered_write_iter (for ramfs, mm/filemap.c
// generic_file_write_iter, which takes the same lock): the whole write under
// the inode lock, exclusive.
std::int64_t Kernel::generic_file_aio_write(File& file, const std::vector<IoVec>& iov, std::uint64_t& ppos,
                                            Bytes& data) {
  write_lock();
  // ext4_write_checks -> generic_write_checks: rlimits, s_maxbytes: not in the model.
  std::uint64_t count = 0;
  for (const IoVec& v : iov) count += v.length;
  std::int64_t ret = 0;
  if (count > 0) {  // generic_write_checks: if (!iov_iter_count(from)) return 0;
    // mm/filemap.c generic_write_checks_count: if (iocb->ki_flags &
    // IOCB_APPEND) iocb->ki_pos = i_size_read(inode); under the inode lock,
    // pwrite's position too (IOCB_APPEND comes from O_APPEND: iocb_flags).
    // The position is the kiocb's (ki_pos), which reaches *ppos, and so
    // f_pos, only when the write returns more than 0 (fs/read_write.c
    // new_sync_write: if (ret > 0 && ppos) *ppos = kiocb.ki_pos): a failed
    // O_APPEND write leaves f_pos where it was (2.4's moves it to i_size).
    std::uint64_t pos = ppos;
    if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_write_checks_count: IOCB_APPEND ki_pos = i_size_read", data);
    IovIter i{iov, 0, 0, count};
    ret = generic_perform_write(file, i, pos, data);
    if (ret > 0) ppos = pos + static_cast<std::uint64_t>(ret);  // iocb->ki_pos += written; *ppos = ki_pos
  }
  write_unlock();
  // generic_write_sync: O_SYNC not in the model.
  return ret;
}

// mm/filemap.c generic_perform_write (today): no prefault before the copy;
// a copy that write_end rejects is retried with the bytes it copied, and
// one that copied nothing faults the source in (no folio is locked then).
std::int64_t Kernel::generic_perform_write(File& file, IovIter& i, std::uint64_t pos, Bytes& data) {
  (void)file;
  const std::uint64_t chunk = s_.geo.page_size;  // mapping_max_folio_size: one page per folio in the model
  std::int64_t status = 0;
  std::int64_t written = 0;
  std::vector<std::uint64_t> bad;  // user pages whose (injected) fault could not be handled
  do {
    Page* page = nullptr;
    Bytes got;
    std::uint64_t offset, copied;
    std::uint64_t bytes = i.count;
  retry:
    offset = pos & (chunk - 1);
    bytes = std::min(chunk - offset, bytes);
    // balance_dirty_pages_ratelimited: no dirty threshold in the model.
    // fatal_signal_pending: no signals in the model.
    status = write_begin(pos, static_cast<unsigned>(bytes), page);
    if (status < 0) break;
    // flush_dcache_folio: no-op.
    // Faults here on mmap()s can recurse into arbitrary filesystem code.
    // Lots of locks are held that can deadlock. Use an atomic copy.
    got.clear();
    copied = iov_iter_copy_from_user_atomic(*page, i, static_cast<unsigned>(offset), bytes, got, bad);
    status = write_end(pos, static_cast<unsigned>(bytes), static_cast<unsigned>(copied), *page);
    if (status < 0) break;  // (status != copied: iov_iter_revert; the model advances by status below)
    // cond_resched()
    if (status == 0) {
      // A short copy made ->write_end() reject the thing entirely.
      if (copied) {
        bytes = copied;
        goto retry;
      }
      // 'folio' is now unlocked and faults on it can be handled. Ensure
      // forward progress by trying to fault it in now.
      if (fault_in_iov_iter_readable(i, bytes, bad) == bytes) {
        status = -kEFAULT;
        break;
      }
    } else {
      i.advance(static_cast<std::uint64_t>(status));
      pos += static_cast<std::uint64_t>(status);
      written += status;
      data.insert(data.end(), got.begin(), got.begin() + status);
    }
  } while (i.count);
  if (!written) return status;
  return written;
}

namespace {

// One probe of fault_in_readable (unsafe_get_user), failing on a user page
// whose injected fault could not be handled.
bool probe(State& s, std::uint64_t addr, const std::vector<std::uint64_t>& bad) {
  if (std::find(bad.begin(), bad.end(), addr / s.geo.page_size) != bad.end()) {
    pagecache::Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    pagecache::Touches t;
    if (pte) t.r(pte->obj);
    t.step(s.ex, "__get_user");
    return false;
  }
  std::uint8_t c;
  return pagecache::__get_user(s, addr, c) == 0;
}

// mm/gup.c fault_in_readable: touch the first byte and the start of every
// following page; returns the bytes not faulted in.
std::uint64_t fault_in_readable(State& s, std::uint64_t uaddr, std::uint64_t size,
                                const std::vector<std::uint64_t>& bad) {
  const std::uint64_t ps = s.geo.page_size;
  if (size == 0) return 0;
  const std::uint64_t start = uaddr;
  // user_read_access_begin: access_ok -- every modelled address is below TASK_SIZE.
  if (uaddr % ps) {
    if (!probe(s, uaddr, bad)) return size;
    uaddr = (uaddr / ps + 1) * ps;
  }
  const std::uint64_t end = (start + size + ps - 1) / ps * ps;
  while (uaddr != end) {
    if (!probe(s, uaddr, bad)) break;
    uaddr += ps;
  }
  return size - std::min(uaddr - start, size);
}

}  // namespace

// lib/iov_iter.c fault_in_iov_iter_readable (ITER_IOVEC): segment after
// segment until one fails; returns the bytes not faulted in.
std::uint64_t Kernel::fault_in_iov_iter_readable(const IovIter& i, std::uint64_t size,
                                                 const std::vector<std::uint64_t>& bad) {
  std::uint64_t count = std::min(size, i.count);
  size -= count;
  std::size_t seg = i.seg;
  std::uint64_t skip = i.iov_offset;
  for (; count; ++seg, skip = 0) {
    const std::uint64_t len = std::min<std::uint64_t>(count, i.iov[seg].length - skip);
    if (!len) continue;
    const std::uint64_t ret = fault_in_readable(s_, i.iov[seg].address + skip, len, bad);
    count -= len - ret;
    if (ret) break;
  }
  return count + size;
}

// mm/filemap.c generic_file_read_iter -> filemap_read. ext4_file_read_iter
// takes no inode lock for a buffered read.
std::int64_t Kernel::generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                       Bytes& data) {
  if (!count) return 0;  // skip atime
  return filemap_read(filp, buf, count, ppos, data);
}

// mm/filemap.c filemap_read.
std::int64_t Kernel::filemap_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                  Bytes& data, Bytes* kbuf) {
  const std::uint64_t ps = s_.geo.page_size;
  std::uint64_t pos = ppos;  // iocb->ki_pos
  std::int64_t already_read = 0;
  std::int64_t error = 0;
  std::uint64_t isize = 0;
  std::vector<Page*> batch;
  // ki_pos < 0, s_maxbytes, iov_iter_truncate: not in the model.
  do {
    // cond_resched(); IOCB_WAITQ: not in the model.
    step(ex(), "filemap_read: i_size_read", {R(s_.inode.size_obj)});
    if (pos >= s_.inode.i_size) break;
    error = filemap_get_pages(filp, pos, count, batch);
    if (error < 0) break;
    // i_size must be checked after we know the pages are Uptodate.
    step(ex(), "filemap_read: i_size_read", {R(s_.inode.size_obj)});
    isize = s_.inode.i_size;
    if (pos < isize) {
      const std::uint64_t end_offset = std::min(isize, pos + count);
      // mapping_writably_mapped, folio_mark_accessed: cache maintenance / LRU.
      for (Page* page : batch) {
        const std::uint64_t offset = pos & (ps - 1);
        const std::uint64_t bytes = std::min(end_offset - pos, ps - offset);
        if (end_offset < std::uint64_t{page->index} * ps) break;
        // copy_folio_to_iter -> copy_to_user (may fault; no lock is held);
        // into a kvec for a kernel read, in one step.
        std::uint32_t left = 0;
        if (kbuf) {
          step(ex(), "copy_folio_to_iter (kvec)", {R(page->data_obj())});
          const Bytes& d = page->data.read();
          kbuf->insert(kbuf->end(), d.begin() + static_cast<std::ptrdiff_t>(offset),
                       d.begin() + static_cast<std::ptrdiff_t>(offset + bytes));
        } else {
          left = pagecache::__copy_to_user(s_, buf, KernelBuf{page->data.base() + offset, page->data_obj()},
                                           static_cast<std::uint32_t>(bytes), &data);
        }
        const std::uint64_t copied = bytes - left;
        already_read += static_cast<std::int64_t>(copied);
        pos += copied;
        buf += copied;
        count -= copied;
        if (copied < bytes) {
          error = -kEFAULT;
          break;
        }
      }
    }
    // put_folios:
    for (Page* page : batch) page_cache_release(*page);
    batch.clear();
  } while (count && pos < isize && !error);
  ppos = pos;
  // file_accessed: atime
  return already_read ? already_read : error;
}

// The end-of-run read of the whole file: kernel_read, i.e. filemap_read
// into a kvec, with a struct file of its own. filemap_read returns the
// bytes read when there are any: a read that stopped short of i_size (which
// nothing shrinks) stopped at an error, and says so.
int Kernel::epilogue_read(Bytes& out) {
  out.clear();
  File file;
  std::uint64_t pos = 0;
  Bytes none;
  const std::uint64_t count = s_.inode.i_size.peek();  // run alone: nothing changes it meanwhile
  if (!count) return 0;
  const std::int64_t r = filemap_read(file, 0, count, pos, none, &out);
  if (r < 0) return static_cast<int>(r);
  return out.size() < count ? -kEIO : 0;
}

// mm/filemap.c filemap_get_read_batch: the cached pages from `index`, each
// with a reference, up to the first that is not uptodate (included).
void Kernel::filemap_get_read_batch(std::uint64_t index, std::uint64_t max, std::vector<Page*>& batch) {
  for (std::uint64_t idx = index; idx <= max; ++idx) {
    const auto i = static_cast<std::uint32_t>(idx);
    if (idx >= s_.geo.pages) {
      // A read may ask for pages past the last the model has (last_index is
      // the end of the read, not of the file): no file reaches them, so no
      // page is cached there, and xas_load finds nothing.
      step(ex(), "filemap_get_read_batch", {R(s_.mapping.obj)});
      break;
    }
    // xas_load + folio_try_get + xas_reload under rcu_read_lock, with the
    // flags the loop tests.
    step(ex(), "filemap_get_read_batch",
         {R(s_.mapping.obj), R(s_.slots[i]->uptodate_obj), pagecache::A(s_.slots[i]->count_obj)});
    Page* page = s_.mapping.__find_page_nolock(i);
    if (!page) {
      pagecache::narrow(ex(), {R(s_.mapping.obj)});
      break;
    }
    pagecache::page_cache_get_in_step(*page);
    batch.push_back(page);
    if (!page->uptodate) break;
    // folio_test_readahead: no PG_readahead in the model.
  }
}

// mm/filemap.c filemap_get_pages.
int Kernel::filemap_get_pages(File& filp, std::uint64_t pos, std::uint64_t count, std::vector<Page*>& batch) {
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint64_t index = pos / ps;
  const std::uint64_t last_index = (pos + count + ps - 1) / ps;  // the folio beyond the end of the read
  int err;
  Page* page;
retry:
  // fatal_signal_pending: no signals in the model.
  filemap_get_read_batch(index, last_index - 1, batch);
  if (batch.empty()) {
    page_cache_sync_readahead(filp, index, last_index - index);
    filemap_get_read_batch(index, last_index - 1, batch);
  }
  if (batch.empty()) {
    err = filemap_create_folio(pos, batch);
    if (err == AOP_TRUNCATED_PAGE) goto retry;
    return err;
  }
  page = batch.back();
  // folio_test_readahead -> filemap_readahead: no PG_readahead in the model.
  if (!Page_Uptodate(*page)) {
    if (batch.size() > 1) {
      err = -kEAGAIN;
      goto err;
    }
    err = filemap_update_page(pos, count, *page);
    if (err) goto err;
  }
  return 0;
err:
  if (err < 0) page_cache_release(*page);
  batch.pop_back();
  if (!batch.empty()) return 0;
  if (err == AOP_TRUNCATED_PAGE) goto retry;
  return err;
}

// mm/filemap.c filemap_update_page (no IOCB_NOWAIT/NOIO/WAITQ in the
// model), under filemap_invalidate_lock_shared: truncation holds the
// invalidate lock exclusive (truncate.cpp).
int Kernel::filemap_update_page(std::uint64_t pos, std::uint64_t count, Page& page) {
  const std::uint64_t ps = s_.geo.page_size;
  int error;
  filemap_invalidate_lock(false, "filemap_update_page: filemap_invalidate_lock_shared");
  if (TryLockPage(page)) {  // !folio_trylock
    filemap_invalidate_unlock(false, "filemap_update_page: filemap_invalidate_unlock_shared");
    // This is where we usually end up waiting for a previously submitted
    // readahead to finish: folio_put_wait_locked.
    wait_on_page(page);
    page_cache_release(page);
    return AOP_TRUNCATED_PAGE;
  }
  error = AOP_TRUNCATED_PAGE;
  if (!page.mapping) goto unlock;
  error = 0;
  {
    // filemap_range_uptodate
    bool uptodate = page.uptodate;  // under the page lock
    if (!uptodate && ext2()) {  // a_ops->is_partially_uptodate: block_is_partially_uptodate (none for ramfs)
      std::uint64_t p = pos, c = count;
      const std::uint64_t folio_pos = std::uint64_t{page.index} * ps;
      if (folio_pos > p) {
        c -= folio_pos - p;
        p = 0;
      } else {
        p -= folio_pos;
      }
      if (!(p == 0 && c >= ps)) uptodate = block_is_partially_uptodate(page, p, c);
    }
    if (uptodate) goto unlock;
  }
  error = filemap_read_folio(page);
  goto unlock_mapping;
unlock:
  UnlockPage(page);
unlock_mapping:
  filemap_invalidate_unlock(false, "filemap_update_page: filemap_invalidate_unlock_shared");
  if (error == AOP_TRUNCATED_PAGE) page_cache_release(page);
  return error;
}

// mm/filemap.c filemap_create_folio.
int Kernel::filemap_create_folio(std::uint64_t pos, std::vector<Page*>& batch) {
  const auto index = static_cast<std::uint32_t>(pos / s_.geo.page_size);
  Page& page = s_.page_cache_alloc(index);  // filemap_alloc_folio
  // Protect against truncate / hole punch. Grabbing invalidate_lock here
  // assures we cannot instantiate and bring uptodate new pagecache folios
  // after evicting page cache during truncate and before actually freeing
  // blocks.
  filemap_invalidate_lock(false, "filemap_create_folio: filemap_invalidate_lock_shared");
  if (add_to_page_cache_unique(page, index)) {  // filemap_add_folio: -EEXIST
    filemap_invalidate_unlock(false, "filemap_create_folio: filemap_invalidate_unlock_shared");
    page_cache_free(page);
    return AOP_TRUNCATED_PAGE;
  }
  const int error = filemap_read_folio(page);
  filemap_invalidate_unlock(false, "filemap_create_folio: filemap_invalidate_unlock_shared");
  if (error) {
    page_cache_release(page);
    return error;
  }
  batch.push_back(&page);
  return 0;
}

// mm/filemap.c filemap_read_folio: the filler unlocks the folio when the
// read completes. "A previous I/O error may have been due to temporary
// failures, eg. multipath errors. PG_error will be set again if read_folio
// fails": folio_clear_error first, as every kernel since Jeff Moyer's and
// Rik van Riel's 2010 fix ("do_generic_file_read: clear page errors when
// issuing a fresh read of the page") did before it read a page again, until
// PG_error itself was removed (the tree above has no PG_error, so nothing
// there can outlive the read that failed either).
int Kernel::filemap_read_folio(Page& page) {
  ClearPageError(page);
  const int error = readpage(page);
  if (error) return error;
  wait_on_page(page);  // folio_wait_locked_killable
  if (Page_Uptodate(page)) return 0;
  return -kEIO;
}

// mm/readahead.c page_cache_sync_ra: a read from index 0 starts the initial
// window (get_init_ra_size: at least 4 pages, the whole of a scenario's
// file); another read by a struct file with no history is a standalone read
// of the pages asked for. The pages up to the end of the file are added and
// read (page_cache_ra_unbounded, read_pages). Sequential ramp-up and
// PG_readahead are not modelled.
void Kernel::page_cache_sync_readahead(File& filp, std::uint64_t index, std::uint64_t req_size) {
  (void)filp;
  __do_page_cache_readahead(index, index == 0 ? std::max<std::uint64_t>(req_size, 4) : req_size);
}

// fs/buffer.c block_write_begin (today): __filemap_get_folio(FGP_WRITEBEGIN)
// and __block_write_begin_int (2.6.24's __block_prepare_write, unchanged in
// what it does); on error the folio is unlocked and put -- PG_uptodate is no
// longer cleared (Jan Kara, f9f07b6c1372). ext4_write_begin then truncates
// blocks instantiated beyond i_size (ext4_truncate_failed_write).
int Kernel::block_write_begin(std::uint64_t pos, unsigned len, Page*& pagep) {
  const std::uint64_t ps = s_.geo.page_size;
  const auto index = static_cast<std::uint32_t>(pos / ps);
  Page* spare = nullptr;
  Page* page = __grab_cache_page(index, spare);
  if (spare) page_cache_free(*spare);
  if (!page) return -kENOMEM;
  const auto from = static_cast<unsigned>(pos % ps);
  const int status = __block_prepare_write(*page, from, from + len);
  if (status) {
    UnlockPage(*page);
    page_cache_release(*page);
    page = nullptr;
    step(ex(), "ext4_write_begin: i_size", {R(s_.inode.size_obj)});
    if (pos + len > s_.inode.i_size) vmtruncate_not_modelled("ext4_write_begin's error path");
  }
  pagep = page;
  return status;
}

// fs/buffer.c block_is_partially_uptodate: are the buffers under [from,
// from + count) all uptodate? (Called with the folio locked.)
bool Kernel::block_is_partially_uptodate(Page& page, std::uint64_t from, std::uint64_t count) {
  if (!page.has_buffers) return false;
  const std::uint64_t blocksize = s_.geo.block_size;
  const std::uint64_t ps = s_.geo.page_size;
  std::uint64_t to = std::min(ps - from, count);
  to = from + to;
  if (from < blocksize && to > ps - blocksize) return false;
  step(ex(), "block_is_partially_uptodate", {R(page.buffers_obj())});
  std::uint64_t block_start = 0;
  for (const auto& bh : page.buffers) {
    const std::uint64_t block_end = block_start + blocksize;
    if (block_end > from && block_start < to) {
      if (!bh.uptodate) return false;
      if (block_end >= to) break;
    }
    block_start = block_end;
  }
  return true;
}

// fs/libfs.c simple_write_end (today): only a folio that is not uptodate
// has its stale part zeroed (and is then marked uptodate).
int Kernel::simple_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  const std::uint64_t last_pos = pos + copied;
  if (!page.uptodate) {  // under the folio lock
    if (copied < len) {
      const auto from = static_cast<unsigned>(pos % s_.geo.page_size);
      step(ex(), "simple_write_end: folio_zero_range", {W(page.data_obj())});
      std::fill_n(page.data.write().begin() + from + copied, len - copied, std::uint8_t{0});
    }
    SetPageUptodate(page);
  }
  // No need to use i_size_read() here, the i_size cannot change under us
  // because we hold the i_mutex.
  step(ex(), "simple_write_end: i_size_write", {W(s_.inode.size_obj)});
  if (last_pos > s_.inode.i_size)
    s_.inode.i_size = last_pos;
  else
    narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
  pagecache::set_page_dirty(s_.mapping, page);  // folio_mark_dirty
  UnlockPage(page);
  page_cache_release(page);
  return static_cast<int>(copied);
}

// mm/filemap.c filemap_fault (today), for a fault with no fault-around:
// the folio is found or created (FGP_CREAT|FGP_FOR_MMAP: added locked, then
// unlocked), locked, and returned locked; one that is not uptodate is read
// once more (filemap_read_folio waits for the read) and a read error is
// SIGBUS, not the endless retry of 2.6.24. Not modelled: fault-around
// (filemap_map_pages maps uptodate neighbours with a trylock) and dropping
// mmap_lock while waiting for the folio (lock_folio_maybe_drop_mmap,
// VM_FAULT_RETRY): here the fault sleeps on the folio with mmap_lock held.
// The invalidate lock is taken shared (mapping_locked) before a folio is
// created or read in, and held until the fault returns; truncation holds it
// exclusive (truncate.cpp).
Page* Kernel::filemap_nopage(pagecache::Pte& area, std::uint64_t address, bool no_share) {
  (void)address;
  if (no_share) throw std::logic_error("model bug: filemap_fault for a private mapping");
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint32_t index = area.file_index;
  bool mapping_locked = false;
  Page* page;
  int error;

  step(ex(), "filemap_fault: i_size_read", {R(s_.inode.size_obj)});
  std::uint64_t max_idx = (s_.inode.i_size + ps - 1) / ps;
  if (index >= max_idx) return nullptr;  // VM_FAULT_SIGBUS

  page = __find_get_page(index);  // filemap_get_folio
  if (page) {
    // do_async_mmap_readahead: no PG_readahead in the model.
    if (!Page_Uptodate(*page)) {
      filemap_invalidate_lock(false, "filemap_fault: filemap_invalidate_lock_shared");
      mapping_locked = true;
    }
  } else {
    // No page in the page cache at all: do_sync_mmap_readahead, the mmap
    // read-around of ra_pages (32) pages centred on the fault.
    {
      const std::uint64_t ra_pages = 32;
      const std::uint64_t start = index > ra_pages / 2 ? index - ra_pages / 2 : 0;
      __do_page_cache_readahead(start, ra_pages);
    }
  retry_find:
    // See comment in filemap_create_folio() why we need invalidate_lock
    if (!mapping_locked) {
      filemap_invalidate_lock(false, "filemap_fault: filemap_invalidate_lock_shared");
      mapping_locked = true;
    }
    // __filemap_get_folio(FGP_CREAT|FGP_FOR_MMAP)
    page = __find_get_page(index);
    if (!page) {
      page = &s_.page_cache_alloc(index);
      if (add_to_page_cache_unique(*page, index)) {  // -EEXIST: look again
        page_cache_free(*page);
        goto retry_find;
      }
      UnlockPage(*page);  // FGP_FOR_MMAP: the caller does its own locking
    }
  }
  lock_page(*page);  // lock_folio_maybe_drop_mmap
  // Did it get truncated?
  if (!page->mapping) {
    UnlockPage(*page);
    page_cache_release(*page);
    goto retry_find;
  }
  if (!page->uptodate) {  // under the folio lock
    if (!mapping_locked) {
      UnlockPage(*page);
      page_cache_release(*page);
      goto retry_find;
    }
    goto page_not_uptodate;
  }
  if (mapping_locked) filemap_invalidate_unlock(false, "filemap_fault: filemap_invalidate_unlock_shared");
  // Found the page and have a reference on it. We must recheck i_size under page lock.
  step(ex(), "filemap_fault: i_size_read", {R(s_.inode.size_obj)});
  max_idx = (s_.inode.i_size + ps - 1) / ps;
  if (index >= max_idx) {
    UnlockPage(*page);
    page_cache_release(*page);
    return nullptr;
  }
  return page;  // VM_FAULT_LOCKED

page_not_uptodate:
  // Umm, take care of errors if the page isn't up-to-date. Try to re-read
  // it _once_.
  error = filemap_read_folio(*page);
  page_cache_release(*page);
  if (!error) goto retry_find;
  filemap_invalidate_unlock(false, "filemap_fault: filemap_invalidate_unlock_shared");
  return nullptr;
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::linux_6_ext4
