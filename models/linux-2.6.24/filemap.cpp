// mm/filemap.c (and fs/read_write.c's writev) of Linux 2.6.24
// (fulei0920/linux-2.6.24 @ d18aa49960d430a94401d27df63ced04943083ed): the
// functions that differ from linux-2.4.17.
//
// Steps: as in linux-2.4.0, a read of PG_uptodate under the page lock is
// folded into the lock's step (2.6.24 too sets and clears it only with the
// page locked).
#include <algorithm>
#include <stdexcept>

#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::kEFAULT;
using linux_2_4_0::kEIO;
using linux_2_4_0::kENOMEM;
using pagecache::KernelBuf;
using pagecache::R;
using pagecache::W;
using pagecache::step;

std::uint64_t IovIter::single_seg_count() const {
  if (single()) return count;
  return std::min(count, iov[seg].length - iov_offset);
}

void IovIter::advance(std::uint64_t bytes) {
  if (count < bytes) throw std::logic_error("model bug: iov_iter_advance past the end");  // BUG_ON
  count -= bytes;
  if (single()) {
    iov_offset += bytes;
  } else {
    std::uint64_t base = iov_offset;
    while (bytes) {
      const std::uint64_t copy = std::min<std::uint64_t>(bytes, iov[seg].length - base);
      bytes -= copy;
      base += copy;
      if (iov[seg].length == base) {
        ++seg;
        base = 0;
      }
    }
    iov_offset = base;
  }
}

// fs/read_write.c do_sync_write -> f_op->aio_write: write() and pwrite()
// are generic_file_aio_write of one iovec.
std::int64_t Kernel::generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                        Bytes& data) {
  return generic_file_aio_write(file, {IoVec{buf, static_cast<std::uint32_t>(count)}}, ppos, data);
}

// fs/read_write.c do_readv_writev: ext2 and ramfs have aio_write, so the
// whole vector is one do_sync_readv_writev -> generic_file_aio_write (one
// i_mutex hold), at the file position.
std::int64_t Kernel::do_readv_writev_write(File& file, const std::vector<IoVec>& iov, Bytes& data) {
  // rw_copy_check_uvector (fs/read_write.c L514): access_ok of every iovec
  // (L570) before any is written: one at a kernel address fails the whole
  // call. (Linux 6: import_iovec -> __import_iovec, the same.)
  for (const IoVec& v : iov)
    if (!pagecache::access_ok(s_, v.address, v.length)) return -linux_2_4_0::kEFAULT;
  std::uint64_t tot_len = 0;
  for (const IoVec& v : iov) tot_len += v.length;
  if (tot_len == 0) return 0;
  return generic_file_aio_write(file, iov, file.f_pos, data);
}

// mm/filemap.c generic_file_aio_write: mutex_lock(&inode->i_mutex) around
// __generic_file_aio_write_nolock -> generic_file_buffered_write ->
// generic_perform_write (ext2 and ramfs have write_begin). The i_mutex is
// the model's i_sem (a mutex).
std::int64_t Kernel::generic_file_aio_write(File& file, const std::vector<IoVec>& iov, std::uint64_t& ppos,
                                            Bytes& data) {
  s_.inode.i_sem.down("generic_file_aio_write: mutex_lock(i_mutex)");
  // __generic_file_aio_write_nolock: generic_segment_checks (access_ok,
  // already checked by vfs_write and rw_copy_check_uvector: read_write.cpp),
  // generic_write_checks (rlimits, s_maxbytes: not in the model; its O_APPEND below).
  std::uint64_t count = 0;
  for (const IoVec& v : iov) count += v.length;
  std::uint64_t pos = ppos;
  // mm/filemap.c generic_write_checks: "FIXME: this is for backwards
  // compatibility with 2.4": if (file->f_flags & O_APPEND) *pos =
  // i_size_read(inode); under i_mutex, and pwrite's pos too.
  if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_write_checks: O_APPEND pos = i_size_read", data);
  std::int64_t ret = 0;  // if (count == 0) goto out: written ? written : err
  if (count != 0) {
    // remove_suid, file_update_time: inode metadata.
    // generic_file_buffered_write: iov_iter_init; status = generic_perform_write;
    // if (status >= 0) { written += status; *ppos = pos + status; } return written ? written : status;
    IovIter i{iov, 0, 0, count};
    const std::int64_t status = generic_perform_write(file, i, pos, data);
    if (status >= 0) ppos = pos + static_cast<std::uint64_t>(status);
    ret = status;
  }
  s_.inode.i_sem.up("generic_file_aio_write: mutex_unlock(i_mutex)");
  // O_SYNC: not in the model.
  return ret;
}

// mm/filemap.c generic_perform_write (afddba49d18f).
std::int64_t Kernel::generic_perform_write(File& file, IovIter& i, std::uint64_t pos, Bytes& data) {
  (void)file;
  const std::uint64_t ps = s_.geo.page_size;
  std::int64_t status = 0;
  std::int64_t written = 0;
  std::vector<std::uint64_t> bad;  // user pages whose (injected) fault could not be handled
  // flags: AOP_FLAG_UNINTERRUPTIBLE only for kernel-space sources.
  do {
    const auto offset = static_cast<unsigned>(pos % ps);
    std::uint64_t bytes = std::min<std::uint64_t>(ps - offset, i.count);
    Page* page = nullptr;
    Bytes got;
    std::uint64_t copied;

  again:
    // Bring in the user page that we will copy from _first_ ... it is also
    // required to check that the address is actually valid, when atomic
    // usercopies are used, below.
    if (iov_iter_fault_in_readable(i, bytes, bad)) {
      status = -kEFAULT;
      break;
    }
    status = write_begin(pos, static_cast<unsigned>(bytes), page);
    if (status) break;
    // pagefault_disable(); copied = iov_iter_copy_from_user_atomic(...); pagefault_enable();
    got.clear();
    copied = iov_iter_copy_from_user_atomic(*page, i, offset, bytes, got, bad);
    // flush_dcache_page(page)
    status = write_end(pos, static_cast<unsigned>(bytes), static_cast<unsigned>(copied), *page);
    if (status < 0) break;
    copied = static_cast<std::uint64_t>(status);
    // cond_resched()
    if (copied == 0) {
      // If we were unable to copy any data at all, we must fall back to a
      // single segment length write.
      bytes = std::min<std::uint64_t>(ps - offset, i.single_seg_count());
      goto again;
    }
    i.advance(copied);
    pos += copied;
    written += static_cast<std::int64_t>(copied);
    data.insert(data.end(), got.begin(), got.begin() + static_cast<std::ptrdiff_t>(copied));
    // balance_dirty_pages_ratelimited: no dirty threshold in the model.
  } while (i.count);
  return written ? written : status;
}

namespace {

// __get_user of fault_in_pages_readable, failing on a user page whose
// injected fault could not be handled.
int get_user_probe(State& s, std::uint64_t addr, const std::vector<std::uint64_t>& bad) {
  std::uint8_t c;
  if (std::find(bad.begin(), bad.end(), addr / s.geo.page_size) != bad.end()) {
    pagecache::Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    pagecache::Touches t;
    if (pte) t.r(pte->obj);
    t.step(s.ex, "__get_user");
    return -kEFAULT;
  }
  return pagecache::__get_user(s, addr, c);
}

}  // namespace

// mm/filemap.c iov_iter_fault_in_readable: the first iovec only, up to
// `bytes`: include/linux/pagemap.h fault_in_pages_readable (the first and the
// last byte).
int Kernel::iov_iter_fault_in_readable(const IovIter& i, std::uint64_t bytes, const std::vector<std::uint64_t>& bad) {
  const std::uint64_t buf = i.cur();
  bytes = std::min<std::uint64_t>(bytes, i.iov[i.seg].length - i.iov_offset);
  const std::uint64_t ps = s_.geo.page_size;
  int ret = get_user_probe(s_, buf, bad);
  if (ret == 0) {
    const std::uint64_t end = buf + bytes - 1;
    if (buf / ps != end / ps) ret = get_user_probe(s_, end, bad);
  }
  return ret;
}

// mm/filemap.c iov_iter_copy_from_user_atomic (and
// __iovec_copy_from_user_inatomic): "If a fault is encountered then return
// the number of bytes which were copied."
std::uint64_t Kernel::iov_iter_copy_from_user_atomic(Page& page, const IovIter& i, unsigned offset,
                                                     std::uint64_t bytes, Bytes& got,
                                                     std::vector<std::uint64_t>& bad) {
  std::uint8_t* kaddr = page.data.base() + offset;
  if (i.single()) {
    const std::uint32_t left = pagecache::copy_from_user_atomic(
        s_, KernelBuf{kaddr, page.data_obj()}, i.cur(), static_cast<std::uint32_t>(bytes), &got, &bad);
    return bytes - left;
  }
  std::size_t seg = i.seg;
  std::uint64_t base = i.iov_offset;
  std::uint64_t copied = 0, left = 0;
  while (bytes) {
    const std::uint64_t buf = i.iov[seg].address + base;
    const std::uint64_t copy = std::min<std::uint64_t>(bytes, i.iov[seg].length - base);
    base = 0;
    left = pagecache::copy_from_user_atomic(s_, KernelBuf{kaddr, page.data_obj()}, buf,
                                            static_cast<std::uint32_t>(copy), &got, &bad);
    copied += copy;
    bytes -= copy;
    kaddr += copy;
    ++seg;
    if (left) break;
  }
  return copied - left;
}

// mm/filemap.c do_generic_mapping_read (2.6.24): i_size is checked after
// the page is known to be uptodate; an uptodate page is copied without its
// lock.
void Kernel::do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) {
  const std::uint64_t ps = s_.geo.page_size;
  std::uint64_t index = ppos / ps;
  const std::uint64_t last_index = (ppos + desc.count + ps - 1) / ps;
  std::uint64_t offset = ppos % ps;
  int error;

  for (;;) {
    Page* page;
    std::uint64_t end_index, isize, nr, ret;
    // cond_resched();
  find_page:
    if (index >= s_.geo.pages) {
      // A read may reach past the last page the model has (index follows
      // the read, not the file), where no file reaches: find_get_page finds
      // nothing there, the read-ahead reads nothing past EOF, and the page
      // no_cached_page would add (zeros past EOF) is dropped at page_ok,
      // where index > end_index ends the read. The model has no slot for
      // that page: the lookup, then the i_size check that ends the read.
      step(ex(), "do_generic_mapping_read: find_get_page", {R(s_.mapping.obj)});
      step(ex(), "do_generic_mapping_read: i_size_read", {R(s_.inode.size_obj)});
      goto out;
    }
    page = __find_get_page(static_cast<std::uint32_t>(index));
    if (!page) {
      page_cache_sync_readahead(filp, index, last_index - index);
      page = __find_get_page(static_cast<std::uint32_t>(index));
      if (!page) goto no_cached_page;
    }
    // PageReadahead / page_cache_async_readahead: no PG_readahead in the model.
    if (!Page_Uptodate(*page)) goto page_not_up_to_date;
  page_ok:
    // i_size must be checked after we know the page is Uptodate.
    step(ex(), "do_generic_mapping_read: i_size_read", {R(s_.inode.size_obj)});
    isize = s_.inode.i_size;
    end_index = isize ? (isize - 1) / ps : 0;
    if (!isize || index > end_index) {
      page_cache_release(*page);
      goto out;
    }
    nr = ps;
    if (index == end_index) {
      nr = ((isize - 1) % ps) + 1;
      if (nr <= offset) {
        page_cache_release(*page);
        goto out;
      }
    }
    nr = nr - offset;
    // flush_dcache_page, mark_page_accessed: no-ops / LRU.
    ret = (this->*actor)(desc, *page, static_cast<std::uint32_t>(offset), nr);
    offset += ret;
    index += offset / ps;
    offset %= ps;
    page_cache_release(*page);
    if (ret == nr && desc.count) continue;
    goto out;

  page_not_up_to_date:
    // Get exclusive access to the page ...
    lock_page(*page);
    // Did it get truncated before we got the lock?
    if (!page->mapping) {
      UnlockPage(*page);
      page_cache_release(*page);
      continue;
    }
    // Did somebody else fill it already?
    if (page->uptodate) {
      UnlockPage(*page);
      goto page_ok;
    }

  readpage:
    // Start the actual read. The read will unlock the page. (PG_error is
    // left set, as in 2.4.0: cleared here only from 2010 on, torvalds/linux
    // 91803b499cca, which examples/plugin-clear-page-error adds; docs/errors.md.)
    error = readpage(*page);
    if (error) goto readpage_error;
    if (!Page_Uptodate(*page)) {
      lock_page(*page);
      if (!page->uptodate) {
        if (!page->mapping) {
          // invalidate_inode_pages got it
          UnlockPage(*page);
          page_cache_release(*page);
          goto find_page;
        }
        UnlockPage(*page);
        error = -kEIO;
        // shrink_readahead_size_eio
        goto readpage_error;
      }
      UnlockPage(*page);
    }
    goto page_ok;

  readpage_error:
    // UHHUH! A synchronous read error occurred. Report it
    desc.error = error;
    page_cache_release(*page);
    goto out;

  no_cached_page:
    // Ok, it wasn't cached, so we need to create a new page..
    {
      const auto idx = static_cast<std::uint32_t>(index);
      page = &s_.page_cache_alloc(idx);  // page_cache_alloc_cold
      if (add_to_page_cache_unique(*page, idx)) {  // add_to_page_cache_lru: -EEXIST
        page_cache_free(*page);
        goto find_page;
      }
    }
    goto readpage;
  }
out:
  ppos = index * ps + offset;
  // file_accessed: atime
}

// mm/filemap.c file_read_actor (2.6.24): "Faults on the destination of a
// read are common, so do it before taking the kmap": fault_in_pages_writeable
// (which stores a zero into the first and the last byte), an atomic copy,
// and the slow copy when that did not copy everything.
std::uint64_t Kernel::file_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size) {
  const std::uint64_t count = desc.count;
  if (size > count) size = count;
  const KernelBuf from{page.data.base() + offset, page.data_obj()};
  std::uint32_t left;
  // include/linux/pagemap.h fault_in_pages_writeable
  int fault = pagecache::__put_user(s_, desc.buf, 0);
  if (fault == 0) {
    const std::uint64_t end = desc.buf + size - 1;
    if (desc.buf / s_.geo.page_size != end / s_.geo.page_size) fault = pagecache::__put_user(s_, end, 0);
  }
  if (!fault) {
    Bytes tmp;
    left = pagecache::__copy_to_user_inatomic(s_, desc.buf, from, static_cast<std::uint32_t>(size), &tmp);
    if (left == 0) {
      if (desc.data) desc.data->insert(desc.data->end(), tmp.begin(), tmp.end());
      goto success;
    }
  }
  // Do it the slow way
  left = pagecache::__copy_to_user(s_, desc.buf, from, static_cast<std::uint32_t>(size), desc.data);
  if (left) {
    size -= left;
    desc.error = -kEFAULT;
  }
success:
  desc.count = count - size;
  desc.written += size;
  desc.buf += size;
  return size;
}

// mm/readahead.c page_cache_sync_readahead -> ondemand_readahead: a read by
// a struct file with no read-ahead history is a "standalone, small read.
// Read as is": __do_page_cache_readahead of the pages asked for. (The
// ramp-up of sequential windows and PG_readahead are not modelled.)
void Kernel::page_cache_sync_readahead(File& filp, std::uint64_t index, std::uint64_t req_size) {
  (void)filp;
  __do_page_cache_readahead(index, req_size);
}

// mm/readahead.c __do_page_cache_readahead and read_pages: allocate the
// pages that are not cached (up to the end of the file), then add each to
// the page cache (locked) and start its read.
void Kernel::__do_page_cache_readahead(std::uint64_t offset, std::uint64_t nr_to_read) {
  const std::uint64_t ps = s_.geo.page_size;
  step(ex(), "__do_page_cache_readahead: i_size_read", {R(s_.inode.size_obj)});
  const std::uint64_t isize = s_.inode.i_size;
  if (isize == 0) return;
  const std::uint64_t end_index = (isize - 1) / ps;
  readahead_lock(true);
  std::vector<Page*> pool;
  // Preallocate as many pages as we will need.
  for (std::uint64_t page_idx = 0; page_idx < nr_to_read; ++page_idx) {
    const std::uint64_t page_offset = offset + page_idx;
    if (page_offset > end_index) break;
    const auto idx = static_cast<std::uint32_t>(page_offset);
    step(ex(), "__do_page_cache_readahead: radix_tree_lookup", {R(s_.mapping.obj)});
    if (s_.mapping.__find_page_nolock(idx)) continue;
    pool.push_back(&s_.page_cache_alloc(idx));
  }
  // read_pages: add_to_page_cache_lru, then readpage (ext2's readpages,
  // mpage_readpages, reads each page as block_read_full_page would).
  for (Page* page : pool) {
    if (!add_to_page_cache_unique(*page, page->index)) {
      readpage(*page);
      page_cache_release(*page);
    } else {
      page_cache_free(*page);
    }
  }
  readahead_lock(false);
}

// mm/filemap.c __grab_cache_page (2.6.24): a page allocated for an index
// another thread filled meanwhile is freed at once (no spare is kept;
// `cached_page` stays null).
Page* Kernel::__grab_cache_page(std::uint32_t index, Page*& cached_page) {
  cached_page = nullptr;
  for (;;) {
    Page* page = __find_lock_page(index);  // find_lock_page
    if (page) return page;
    page = &s_.page_cache_alloc(index);
    if (!add_to_page_cache_unique(*page, index)) return page;  // add_to_page_cache_lru
    page_cache_free(*page);  // -EEXIST: page_cache_release, goto repeat
  }
}

// mm/filemap.c page_cache_read (2.6.24): add the page and read it; losing the
// race to add is OK.
int Kernel::page_cache_read(std::uint32_t index) {
  Page& page = s_.page_cache_alloc(index);
  int ret = 0;
  if (!add_to_page_cache_unique(page, index)) {
    ret = readpage(page);
    page_cache_release(page);
  } else {
    page_cache_free(page);  // -EEXIST: ret = 0
  }
  return ret;
}

// mm/filemap.c filemap_fault (2.6.24): the page is found with
// find_lock_page and returned locked (VM_FAULT_LOCKED; __do_fault unlocks it
// once the pte is set); a page that is not uptodate is read again, and again
// (the loop Miklos Szeredi's 2008 fix ended).
Page* Kernel::filemap_nopage(Pte& area, std::uint64_t address, bool no_share) {
  (void)address;
  if (no_share) throw std::logic_error("model bug: filemap_fault for a private mapping");
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint32_t pgoff = area.file_index;
  Page* page;
  std::uint64_t size;
  int error;
  bool did_readaround = false;

  step(ex(), "filemap_fault: i_size_read", {R(s_.inode.size_obj)});
  size = (s_.inode.i_size + ps - 1) / ps;
  if (pgoff >= size) return nullptr;  // VM_FAULT_SIGBUS
  // VM_RandomReadHint, VM_SequentialReadHint: no madvise in the model.

retry_find:
  page = __find_lock_page(pgoff);
  if (!page) {
    // ra->mmap_miss++ stays below MMAP_LOTSAMISS in a scenario.
    did_readaround = true;
    {
      const std::uint64_t ra_pages = 32;  // max_sane_readahead(file->f_ra.ra_pages): VM_MAX_READAHEAD 128 KB
      std::uint64_t start = 0;
      if (pgoff > ra_pages / 2) start = pgoff - ra_pages / 2;
      __do_page_cache_readahead(start, ra_pages);  // do_page_cache_readahead
    }
    page = __find_lock_page(pgoff);
    if (!page) goto no_cached_page;
  }
  (void)did_readaround;
  // We have a locked page in the page cache, now we need to check that
  // it's up-to-date. If not, it is going to be due to an error.
  if (!page->uptodate) goto page_not_uptodate;
  // Must recheck i_size under page lock
  step(ex(), "filemap_fault: i_size_read", {R(s_.inode.size_obj)});
  size = (s_.inode.i_size + ps - 1) / ps;
  if (pgoff >= size) {
    UnlockPage(*page);
    page_cache_release(*page);
    return nullptr;
  }
  return page;

no_cached_page:
  error = page_cache_read(pgoff);
  if (error >= 0) goto retry_find;
  return nullptr;

page_not_uptodate:
  // Umm, take care of errors if the page isn't up-to-date. Try to re-read it _once_.
  ClearPageError(*page);
  error = readpage(*page);
  page_cache_release(*page);
  if (!error) goto retry_find;
  return nullptr;
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::linux_2_6_24
