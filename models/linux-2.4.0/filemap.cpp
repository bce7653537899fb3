// mm/filemap.c of Linux 2.4.0.
//
// Steps: a spinlock region (pagecache_lock) is one step. A page flag read
// is a step of its own unless the reader holds the page lock and the flag
// only changes under the page lock (page->mapping, and PG_uptodate, which
// 2.4.0 sets and clears only with the page locked: end_buffer_io_async runs
// while the page is still locked by the reader that submitted the I/O); such
// a read is taken in the same step as the lock_page before it.
#include <algorithm>

#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::linux_2_4_0 {

using pagecache::KernelBuf;
using pagecache::A;
using pagecache::R;
using pagecache::W;
using pagecache::step;
using pagecache::step_touching_all;

void Kernel::page_cache_free(Page& page) { pagecache::page_cache_release_in_step(page); }

std::uint64_t Kernel::i_size_for_append(const char* label, const Bytes& reported) {
  step(ex(), label, {R(s_.inode.size_obj)});
  const std::uint64_t pos = s_.inode.i_size;
  s_.note_append(pos, reported.size());
  return pos;
}

// mm/filemap.c L654 lock_page: if (TryLockPage(page)) __lock_page(page);
// __lock_page (L628) sleeps, uninterruptibly, until it gets the lock: one
// operation that is enabled while the lock is free.
void Kernel::lock_page(Page& page) { page.lock().lock("lock_page"); }

// include/linux/pagemap.h L85 wait_on_page: if (PageLocked(page))
// ___wait_on_page(page) (mm/filemap.c L606): sleep until it is unlocked.
void Kernel::wait_on_page(Page& page) { page.lock().wait_unlocked("wait_on_page"); }

// mm/filemap.c L664 __find_get_page: under pagecache_lock, look it up and take a reference.
Page* Kernel::__find_get_page(std::uint32_t index) {
  step(ex(), "__find_get_page", {R(s_.mapping.obj), A(s_.slots[index]->count_obj)});
  Page* page = s_.mapping.__find_page_nolock(index);
  if (page)
    pagecache::page_cache_get_in_step(*page);
  else
    pagecache::narrow(ex(), {R(s_.mapping.obj)});
  return page;
}

// mm/filemap.c L684 __find_lock_page.
Page* Kernel::__find_lock_page(std::uint32_t index) {
  for (;;) {
    step(ex(), "__find_lock_page", {R(s_.mapping.obj), A(s_.slots[index]->count_obj)});
    Page* page = s_.mapping.__find_page_nolock(index);
    if (!page) {
      pagecache::narrow(ex(), {R(s_.mapping.obj)});
      return nullptr;
    }
    pagecache::page_cache_get_in_step(*page);
    lock_page(*page);
    // Is the page still hashed? Ok, good..
    if (page->mapping) return page;
    // Nope: we raced. Release and try again..
    UnlockPage(*page);
    page_cache_release(*page);
  }
}

// mm/filemap.c L525 add_to_page_cache_unique: returns true ("err = 1") when
// the index was taken meanwhile.
bool Kernel::add_to_page_cache_unique(Page& page, std::uint32_t index) {
  pagecache::PageSlot& slot = *s_.slots[index];
  step(ex(), "add_to_page_cache_unique",
       {W(s_.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.uptodate_obj), W(slot.PG_locked.id())});
  if (s_.mapping.__find_page_nolock(index)) {
    pagecache::narrow(ex(), {R(s_.mapping.obj)});
    return true;
  }
  pagecache::__add_to_page_cache(s_.mapping, page, index);
  return false;
}

// mm/filemap.c L549 page_cache_read: add the page if it is not there and start reading it.
int Kernel::page_cache_read(std::uint32_t index) {
  step(ex(), "page_cache_read", {R(s_.mapping.obj)});
  if (s_.mapping.__find_page_nolock(index)) return 0;
  Page& page = s_.page_cache_alloc(index);
  if (!add_to_page_cache_unique(page, index)) {
    const int error = readpage(page);
    page_cache_release(page);
    return error;
  }
  // We arrive here in the unlikely event that someone raced with us and
  // added our page to the cache first.
  page_cache_free(page);
  return 0;
}

// mm/filemap.c L583 read_cluster_nonblocking.
int Kernel::read_cluster_nonblocking(std::uint32_t index, std::uint64_t filesize) {
  std::uint64_t pages = std::uint64_t{1} << page_cluster;
  std::uint64_t offset = (index >> page_cluster) << page_cluster;  // CLUSTER_OFFSET
  while (pages-- > 0 && offset < filesize) {
    const int error = page_cache_read(static_cast<std::uint32_t>(offset));
    if (error < 0) return error;
    ++offset;
  }
  return 0;
}

// mm/filemap.c L892 generic_file_readahead (get_max_readahead: MAX_READAHEAD).
void Kernel::generic_file_readahead(bool reada_ok_in, File& filp, Page& page) {
  step(ex(), "generic_file_readahead", {R(s_.inode.size_obj), R(page.lock().id())});
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint64_t end_index = s_.inode.i_size / ps;
  const std::uint64_t index = page.index;
  std::uint64_t max_ahead = 0, ahead = 0;
  std::uint64_t raend = filp.f_raend;
  int reada_ok = reada_ok_in ? 1 : 0;
  if (page.locked()) {
    // The current page is locked: decide or not to read ahead some pages synchronously.
    if (!filp.f_ralen || index >= raend || index + filp.f_rawin < raend) {
      raend = index;
      if (raend < end_index) max_ahead = filp.f_ramax;
      filp.f_rawin = 0;
      filp.f_ralen = 1;
      if (!max_ahead) {
        filp.f_raend = index + filp.f_ralen;
        filp.f_rawin += filp.f_ralen;
      }
    }
  } else if (reada_ok && filp.f_ramax && raend >= 1 && index <= raend && index + filp.f_ralen >= raend) {
    // The current page is not locked: it is the moment to read ahead asynchronously.
    raend -= 1;
    if (raend < end_index) max_ahead = filp.f_ramax + 1;
    if (max_ahead) {
      filp.f_rawin = filp.f_ralen;
      filp.f_ralen = 0;
      reada_ok = 2;
    }
  }
  // Try to read ahead pages.
  while (ahead < max_ahead) {
    ahead++;
    if (raend + ahead >= end_index) break;
    if (page_cache_read(static_cast<std::uint32_t>(raend + ahead)) < 0) break;
  }
  if (ahead) {
    // (reada_ok == 2: run_task_queue(&tq_disk))
    filp.f_ralen += ahead;
    filp.f_rawin += filp.f_ralen;
    filp.f_raend = raend + ahead + 1;
    filp.f_ramax += filp.f_ramax;
    if (filp.f_ramax > MAX_READAHEAD) filp.f_ramax = MAX_READAHEAD;
    // drop_behind(filp, index): LRU only
  }
  (void)reada_ok;
}

// mm/filemap.c L1013 do_generic_file_read.
void Kernel::do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  std::uint64_t index = ppos / ps;
  std::uint64_t offset = ppos % ps;
  bool reada_ok;

  // If the current position is outside the previous read-ahead window, reset
  // the read-ahead context; otherwise the accesses look sequential.
  if (index > filp.f_raend || index + filp.f_rawin < filp.f_raend) {
    reada_ok = false;
    filp.f_raend = filp.f_ralen = filp.f_ramax = filp.f_rawin = 0;
  } else {
    reada_ok = true;
  }
  // Adjust the current value of read-ahead max.
  if (!index && offset + desc.count <= (ps >> 1)) {
    filp.f_ramax = 0;
  } else {
    const std::uint64_t needed = ((offset + desc.count) / ps) + 1;
    if (filp.f_ramax < needed) filp.f_ramax = needed;
    if (reada_ok && filp.f_ramax < MIN_READAHEAD) filp.f_ramax = MIN_READAHEAD;
    if (filp.f_ramax > MAX_READAHEAD) filp.f_ramax = MAX_READAHEAD;
  }

  for (;;) {
    Page* page = nullptr;
    std::uint64_t end_index, nr;
    int error;

    step(ex(), "do_generic_file_read: i_size", {R(s_.inode.size_obj)});
    end_index = s_.inode.i_size / ps;
    if (index > end_index) break;
    nr = ps;
    if (index == end_index) {
      nr = s_.inode.i_size % ps;
      if (nr <= offset) break;
    }
    nr = nr - offset;

    {
      // Try to find the data in the page cache (spin_lock(&pagecache_lock)).
      // With a page already allocated, the same lock region may add it.
      const auto idx = static_cast<std::uint32_t>(index);
      pagecache::PageSlot& slot = *s_.slots[idx];
      if (cached_page && cached_page->index != idx) {
        // The spare page was allocated for another index (its slot's
        // objects): swap it for one of this index; both are private.
        page_cache_free(*cached_page);
        cached_page = &s_.page_cache_alloc(idx);
      }
      // Found, it only takes a reference (an add); not found, it adds the
      // spare page, or, without one, it only looked.
      if (cached_page)
        step(ex(), "do_generic_file_read: find page",
             {W(s_.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.uptodate_obj), W(slot.PG_locked.id())});
      else
        step(ex(), "do_generic_file_read: find page", {R(s_.mapping.obj), A(slot.count_obj)});
      page = s_.mapping.__find_page_nolock(idx);
      if (page) pagecache::narrow(ex(), {R(s_.mapping.obj), A(slot.count_obj)});
      if (!page) {
        // no_cached_page: (we get here with the page cache lock held)
        if (!cached_page) {
          pagecache::narrow(ex(), {R(s_.mapping.obj)});
          // spin_unlock; cached_page = page_cache_alloc(); spin_lock; look again
          cached_page = &s_.page_cache_alloc(idx);
          step(ex(), "do_generic_file_read: find page again",
               {W(s_.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.uptodate_obj), W(slot.PG_locked.id())});
          page = s_.mapping.__find_page_nolock(idx);
          if (page) pagecache::narrow(ex(), {R(s_.mapping.obj), A(slot.count_obj)});
        }
        if (!page) {
          // Ok, add the new page to the hash-queues...
          page = cached_page;
          pagecache::__add_to_page_cache(s_.mapping, *page, idx);
          cached_page = nullptr;
          goto readpage;
        }
      }
    }
    // found_page:
    pagecache::page_cache_get_in_step(*page);
    // spin_unlock(&pagecache_lock);
    if (!Page_Uptodate(*page)) goto page_not_up_to_date;
    generic_file_readahead(reada_ok, filp, *page);

  page_ok:
    // Ok, we have the page, and it's up-to-date, so now we can copy it to user space...
    nr = (this->*actor)(desc, *page, static_cast<std::uint32_t>(offset), nr);
    offset += nr;
    index += offset / ps;
    offset %= ps;
    page_cache_release(*page);
    if (nr && desc.count) continue;
    break;

  page_not_up_to_date:
    generic_file_readahead(reada_ok, filp, *page);
    if (Page_Uptodate(*page)) goto page_ok;
    // Get exclusive access to the page ...
    lock_page(*page);
    // Did it get unhashed before we got the lock?
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
    // ... and start the actual read. The read will unlock the page.
    // (PG_error is left as it is: a page whose last read failed is read
    // again with the bit set, and end_buffer_io_async then will not set it
    // uptodate, so this read fails too. Linux cleared it here from 2010 on,
    // "do_generic_file_read: clear page errors when issuing a fresh read of
    // the page"; docs/errors.md.)
    error = readpage(*page);
    if (!error) {
      if (Page_Uptodate(*page)) goto page_ok;
      // Again, try some read-ahead while waiting for the page to finish..
      generic_file_readahead(reada_ok, filp, *page);
      wait_on_page(*page);
      if (Page_Uptodate(*page)) goto page_ok;
      error = -kEIO;
    }
    // UHHUH! A synchronous read error occurred. Report it
    desc.error = error;
    page_cache_release(*page);
    break;
  }

  ppos = index * ps + offset;
  filp.f_reada = true;
  if (cached_page) page_cache_free(*cached_page);
  // UPDATE_ATIME(inode): metadata
}

// mm/filemap.c L1215 file_read_actor.
std::uint64_t Kernel::file_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size) {
  const std::uint64_t count = desc.count;
  if (size > count) size = count;
  // kaddr = kmap(page); left = __copy_to_user(desc->buf, kaddr + offset, size); kunmap(page);
  const std::uint32_t left = pagecache::__copy_to_user(s_, desc.buf, KernelBuf{page.data.base() + offset, page.data_obj()},
                                                       static_cast<std::uint32_t>(size), desc.data);
  if (left) {
    size -= left;
    desc.error = -kEFAULT;
  }
  desc.count = count - size;
  desc.written += size;
  desc.buf += size;
  return size;
}

// The end-of-run reader's actor: file_read_actor into a kernel buffer (as
// file_send_actor, L1266, hands the page to another file) in one step.
std::uint64_t Kernel::kernel_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size) {
  if (size > desc.count) size = desc.count;
  step(ex(), "kernel_read_actor", {R(page.data_obj())});
  desc.kbuf->insert(desc.kbuf->end(), page.data.read().begin() + offset, page.data.read().begin() + offset + size);
  desc.count -= size;
  desc.written += size;
  return size;
}

// mm/filemap.c L1241 generic_file_read.
std::int64_t Kernel::generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                       Bytes& data) {
  // retval = -EFAULT; if (access_ok(VERIFY_WRITE, buf, count)) { ... } (L1246):
  // a buffer at a kernel address reads nothing.
  if (!pagecache::access_ok(s_, buf, count)) return -kEFAULT;
  std::int64_t retval = 0;
  if (count) {
    ReadDescriptor desc;
    desc.written = 0;
    desc.count = count;
    desc.buf = buf;
    desc.error = 0;
    desc.data = &data;
    do_generic_file_read(filp, ppos, desc, &Kernel::file_read_actor);
    retval = static_cast<std::int64_t>(desc.written);
    if (!retval) retval = desc.error;
  }
  return retval;
}

// mm/filemap.c L2378 __grab_cache_page: returns the page locked and referenced.
Page* Kernel::__grab_cache_page(std::uint32_t index, Page*& cached_page) {
  for (;;) {
    Page* page = __find_lock_page(index);
    if (page) return page;
    if (cached_page && cached_page->index != index) {
      // A spare page from an earlier index: allocated for that slot's objects;
      // swap it for one of this index (both are private to this thread).
      page_cache_free(*cached_page);
      cached_page = nullptr;
    }
    if (!cached_page) cached_page = &s_.page_cache_alloc(index);
    page = cached_page;
    if (add_to_page_cache_unique(*page, index)) continue;  // goto repeat
    cached_page = nullptr;
    return page;
  }
}

// mm/filemap.c L2442 generic_file_write.
std::int64_t Kernel::generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                        Bytes& data) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  std::uint64_t written = 0;
  std::int64_t status = 0;
  std::int64_t err;

  s_.inode.i_sem.down("generic_file_write: down(i_sem)");
  std::uint64_t pos = ppos;
  // pos < 0, file->f_error, RLIMIT_FSIZE: not in the model.
  // L2470: if (file->f_flags & O_APPEND) pos = inode->i_size; -- pwrite's
  // offset too (sys_pwrite passes &pos: Linux's documented pwrite bug).
  if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_file_write: O_APPEND pos = i_size", data);
  // if (count) { remove_suid(inode); inode->i_ctime = inode->i_mtime = CURRENT_TIME; mark_inode_dirty_sync(inode); }

  while (count) {
    const auto offset = static_cast<unsigned>(pos % ps);  // Within page
    const auto index = static_cast<std::uint32_t>(pos / ps);
    auto bytes = static_cast<unsigned>(ps - offset);
    if (bytes > count) bytes = static_cast<unsigned>(count);
    Bytes copied;

    // Bring in the user page that we will copy from _first_. Otherwise
    // there's a nasty deadlock on copying from the same page as we're
    // writing to, without it being marked up-to-date.
    {
      std::uint8_t dummy;
      pagecache::__get_user(s_, buf, dummy);
      pagecache::__get_user(s_, buf + bytes - 1, dummy);
    }

    status = -kENOMEM;  // we'll assign it later anyway
    Page* page = __grab_cache_page(index, cached_page);
    if (!page) break;
    // We have exclusive IO access to the page..
    if (!page->locked()) pagecache::BUG(ex(), "PAGE_BUG: generic_file_write got " + page->name() + " unlocked");

    status = prepare_write(*page, offset, offset + bytes);
    if (status) goto unlock;
    // kaddr = page_address(page); status = copy_from_user(kaddr+offset, buf, bytes);
    // No access_ok before this one (nor in sys_write, or do_readv_writev
    // for each iovec): a chunk at a kernel address fails it here, after
    // prepare_write, and takes fail_write with the page's bytes as they were.
    status = pagecache::copy_from_user(s_, KernelBuf{page->data.base() + offset, page->data_obj()}, buf, bytes, &copied);
    // flush_dcache_page(page): nothing on i386
    if (status) goto fail_write;
    status = commit_write(*page, offset, offset + bytes);
    if (!status) status = bytes;

    if (status >= 0) {
      written += status;
      count -= status;
      pos += status;
      buf += status;
      data.insert(data.end(), copied.begin(), copied.end());
    }
    goto unlock;

  fail_write:
    status = -kEFAULT;
    ClearPageUptodate(*page);
    // kunmap(page)

  unlock:
    // Mark it unlocked again and drop the page..
    UnlockPage(*page);
    // deactivate_page(page): LRU only
    page_cache_release(*page);
    if (status < 0) break;
  }
  ppos = pos;

  if (cached_page) page_cache_free(*cached_page);
  // O_SYNC: not in the model
  err = written ? static_cast<std::int64_t>(written) : status;
  s_.inode.i_sem.up("generic_file_write: up(i_sem)");
  return err;
}

// mm/filemap.c L1431 filemap_nopage (area->vm_file's mapping is the file's).
Page* Kernel::filemap_nopage(Pte& area, std::uint64_t address, bool no_share) {
  (void)address;
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint32_t pgoff = area.file_index;
  Page* page = nullptr;
  std::uint64_t size;
  int error;

retry_all:
  step(ex(), "filemap_nopage: i_size", {R(s_.inode.size_obj)});
  size = (s_.inode.i_size + ps - 1) / ps;
  if (pgoff >= size) return nullptr;  // (area->vm_mm == current->mm)

retry_find:
  // Do we have something in the page cache already?
  page = __find_get_page(pgoff);
  if (!page) goto no_cached_page;
  // Ok, found a page in the page cache, now we need to check that it's up-to-date.
  if (!Page_Uptodate(*page)) goto page_not_uptodate;

success:
  // VM_SequentialReadHint: no madvise in the model.
  if (no_share) throw std::logic_error("model bug: filemap_nopage for a private mapping");
  // flush_page_to_ram(old_page)
  return page;

no_cached_page:
  // If the requested offset is within our file, try to read a whole cluster
  // of pages at once (no VM_RandomReadHint in the model).
  error = pgoff < size ? read_cluster_nonblocking(pgoff, size) : page_cache_read(pgoff);
  // The page we want has now been added to the page cache.
  if (error >= 0) goto retry_find;
  return nullptr;

page_not_uptodate:
  lock_page(*page);
  // Did it get unhashed while we waited for it?
  if (!page->mapping) {
    UnlockPage(*page);
    page_cache_release(*page);
    goto retry_all;
  }
  // Did somebody else get it up-to-date?
  if (page->uptodate) {
    UnlockPage(*page);
    goto success;
  }
  if (!readpage(*page)) {
    wait_on_page(*page);
    if (Page_Uptodate(*page)) goto success;
  }

  // Umm, take care of errors if the page isn't up-to-date. Try to re-read it _once_.
  lock_page(*page);
  // Somebody truncated the page on us?
  if (!page->mapping) {
    UnlockPage(*page);
    page_cache_release(*page);
    goto retry_all;
  }
  // Somebody else successfully read it in?
  if (page->uptodate) {
    UnlockPage(*page);
    goto success;
  }
  ClearPageError(*page);
  if (!readpage(*page)) {
    wait_on_page(*page);
    if (Page_Uptodate(*page)) goto success;
  }
  // Things didn't work out. Return zero to tell the mm layer so.
  page_cache_release(*page);
  return nullptr;
}

// mm/filemap.c L413 filemap_fdatasync. The list step reads PG_dirty of the
// page at the head of the list, not known when it is announced: it touches
// all (the read is repeated under the page lock before anything is written).
// Once run it says what it did (sim::Execution::narrow: a reduction orders
// an executed step by what it did, a pending one by what it announced): it
// read the list and moved its head (a write of the list and of the page's
// page->list, page[i], which also holds PG_dirty) and took a reference (an
// add); an empty list it only read.
void Kernel::filemap_fdatasync() {
  for (;;) {
    step_touching_all(ex(), "filemap_fdatasync: spin_lock(pagecache_lock)", {W(s_.mapping.obj)});
    if (s_.mapping.dirty_pages.empty()) {
      pagecache::narrow(ex(), {R(s_.mapping.obj)});
      break;
    }
    Page& page = *s_.mapping.dirty_pages.front();
    s_.mapping.list_move(page, Page::List::locked);
    if (!page.dirty) {
      pagecache::narrow(ex(), {W(s_.mapping.obj), W(page.obj())});
      continue;
    }
    pagecache::narrow(ex(), {W(s_.mapping.obj), W(page.obj()), A(page.count_obj())});
    pagecache::page_cache_get_in_step(page);
    // spin_unlock(&pagecache_lock);
    lock_page(page);
    if (PageDirty(page)) {
      ClearPageDirty(page);
      writepage(page);
    } else {
      UnlockPage(page);
    }
    page_cache_release(page);
  }
}

// mm/filemap.c L452 filemap_fdatawait. The list step reads PG_locked of the
// page at the head of the list: it touches all, as filemap_fdatasync's. It is
// void in 2.4 (2.4.17's too): PG_error of a page whose write failed is
// reported by nobody; fsync's error comes from the buffers alone
// (fsync_inode_buffers). Returns 0, for the variants that report here.
int Kernel::filemap_fdatawait() {
  for (;;) {
    // Narrowed once run, as filemap_fdatasync's: the list and the head page's
    // page->list, its PG_locked, its reference.
    step_touching_all(ex(), "filemap_fdatawait: spin_lock(pagecache_lock)", {W(s_.mapping.obj)});
    if (s_.mapping.locked_pages.empty()) {
      pagecache::narrow(ex(), {R(s_.mapping.obj)});
      break;
    }
    Page& page = *s_.mapping.locked_pages.front();
    s_.mapping.list_move(page, Page::List::clean);
    if (!page.locked()) {
      pagecache::narrow(ex(), {W(s_.mapping.obj), W(page.obj()), R(page.lock().id())});
      continue;
    }
    pagecache::narrow(ex(), {W(s_.mapping.obj), W(page.obj()), R(page.lock().id()), A(page.count_obj())});
    pagecache::page_cache_get_in_step(page);
    // spin_unlock(&pagecache_lock); ___wait_on_page(page);
    page.lock().wait_unlocked("___wait_on_page");
    page_cache_release(page);
  }
  return 0;
}

// mm/filemap.c L1585 filemap_sync_pte (via filemap_sync L1658, under
// page_table_lock), for one pte.
int Kernel::filemap_sync(Pte& pte) {
  step(ex(), "filemap_sync_pte", {W(pte.obj), R(s_.slots[pte.file_index]->obj)});
  if (pte.present && pte.dirty) {  // ptep_test_and_clear_dirty
    pte.dirty = false;
    // flush_tlb_page; set_page_dirty(page)
    pagecache::set_page_dirty(s_.mapping, *pte.page);
  }
  return 0;
}

// mm/filemap.c L1731 msync_interval (flags = MS_SYNC), for the pages of one vma.
int Kernel::msync_interval(const std::vector<Pte*>& vma) {
  if (vma.empty() || !vma.front()->shared) return 0;  // (file && (vma->vm_flags & VM_SHARED))
  int error = 0;
  for (Pte* pte : vma) error |= filemap_sync(*pte);
  if (!error) {  // (flags & MS_SYNC)
    s_.inode.i_sem.down("msync_interval: down(i_sem)");
    filemap_fdatasync();
    error = f_op_fsync();
    filemap_fdatawait();
    s_.inode.i_sem.up("msync_interval: up(i_sem)");
  }
  return error;
}

// mm/filemap.c L1753 sys_msync(start, len, MS_SYNC). The vmas are the runs of
// user pages of one region; pages in no vma give msync_unmapped_error() at
// the end (2.4.0: -EFAULT).
std::int64_t Kernel::sys_msync(std::uint64_t start, std::uint64_t len) {
  const std::uint64_t ps = s_.geo.page_size;
  // (From 2.4.3 on mmap_sem is an rw_semaphore and sys_msync takes it for reading.)
  pagecache::down_read_mmap_sem(s_.mm, s_.mm.mmap_rwsem ? "sys_msync: down_read(mmap_sem)" : "sys_msync: down(mmap_sem)");
  std::int64_t error = -kEINVAL;
  if (start % ps == 0) {
    len = (len + ps - 1) / ps * ps;
    const std::uint64_t end = start + len;
    error = 0;
    std::int64_t unmapped_error = 0;
    std::vector<Pte*> vma;
    for (std::uint64_t a = start; a < end && !error; a += ps) {
      Pte* pte = s_.mm.find_vma(a, s_.geo.page_size);
      if (!vma.empty() && (!pte || pte->region != vma.front()->region)) {
        error = msync_interval(vma);
        vma.clear();
      }
      if (!pte)
        unmapped_error = msync_unmapped_error();
      else
        vma.push_back(pte);
    }
    if (!error && !vma.empty()) error = msync_interval(vma);
    if (!error) error = unmapped_error;
  }
  pagecache::up_read_mmap_sem(s_.mm, s_.mm.mmap_rwsem ? "sys_msync: up_read(mmap_sem)" : "sys_msync: up(mmap_sem)");
  return error;
}

// mm/filemap.c L157 invalidate_inode_pages: all under pagecache_lock and
// pagemap_lru_lock.
void Kernel::invalidate_inode_pages() {
  step(ex(), "invalidate_inode_pages", {W(s_.mapping.obj)});
  const std::deque<Page*> clean = s_.mapping.clean_pages;
  for (Page* page : clean) {
    // We cannot invalidate something in use.. or dirty.. or locked
    if (page->count != 1 || page->dirty || page->locked()) continue;
    pagecache::__remove_inode_page(s_.mapping, *page);
    pagecache::page_cache_release_in_step(*page);
  }
}

}  // namespace models::linux_2_4_0
