// mm/filemap.c with lock coupling (the mail's idea 3), on Linux 2.4.0
// (liexusong/linux-2.4.0 @ 9deca51): do_generic_file_read and
// generic_file_write, each changed only where pages are locked and unlocked.
#include "models/zippel-lock-coupling/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::zippel_lock_coupling {

using linux_2_4_0::kEFAULT;
using linux_2_4_0::kEIO;
using linux_2_4_0::kENOMEM;
using pagecache::A;
using pagecache::KernelBuf;
using pagecache::R;
using pagecache::W;
using pagecache::step;

// mm/filemap.c L1013 do_generic_file_read, with the read locking each page
// (uptodate or not) and keeping it locked until it has locked the next one.
// The page is copied to user space under its lock.
void Kernel::do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  Page* prev = nullptr;  // the page copied last: still locked, with a reference
  std::uint64_t index = ppos / ps;
  std::uint64_t offset = ppos % ps;
  bool reada_ok;

  if (index > filp.f_raend || index + filp.f_rawin < filp.f_raend) {
    reada_ok = false;
    filp.f_raend = filp.f_ralen = filp.f_ramax = filp.f_rawin = 0;
  } else {
    reada_ok = true;
  }
  if (!index && offset + desc.count <= (ps >> 1)) {
    filp.f_ramax = 0;
  } else {
    const std::uint64_t needed = ((offset + desc.count) / ps) + 1;
    if (filp.f_ramax < needed) filp.f_ramax = needed;
    if (reada_ok && filp.f_ramax < linux_2_4_0::MIN_READAHEAD) filp.f_ramax = linux_2_4_0::MIN_READAHEAD;
    if (filp.f_ramax > linux_2_4_0::MAX_READAHEAD) filp.f_ramax = linux_2_4_0::MAX_READAHEAD;
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
      const auto idx = static_cast<std::uint32_t>(index);
      pagecache::PageSlot& slot = *s_.slots[idx];
      if (cached_page && cached_page->index != idx) {
        page_cache_free(*cached_page);
        cached_page = &s_.page_cache_alloc(idx);
      }
      // As in 2.4.0: found, it only takes a reference (an add).
      if (cached_page)
        step(ex(), "do_generic_file_read: find page",
             {W(s_.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.uptodate_obj), W(slot.PG_locked.id())});
      else
        step(ex(), "do_generic_file_read: find page", {R(s_.mapping.obj), A(slot.count_obj)});
      page = s_.mapping.__find_page_nolock(idx);
      if (page) pagecache::narrow(ex(), {R(s_.mapping.obj), A(slot.count_obj)});
      if (!page) {
        if (!cached_page) {
          pagecache::narrow(ex(), {R(s_.mapping.obj)});
          cached_page = &s_.page_cache_alloc(idx);
          step(ex(), "do_generic_file_read: find page again",
               {W(s_.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.uptodate_obj), W(slot.PG_locked.id())});
          page = s_.mapping.__find_page_nolock(idx);
          if (page) pagecache::narrow(ex(), {R(s_.mapping.obj), A(slot.count_obj)});
        }
        if (!page) {
          // A new page, added locked: we hold its lock already.
          page = cached_page;
          pagecache::__add_to_page_cache(s_.mapping, *page, idx);
          cached_page = nullptr;
          goto readpage;
        }
      }
    }
    pagecache::page_cache_get_in_step(*page);
    generic_file_readahead(reada_ok, filp, *page);
    // Lock coupling: take this page's lock while still holding the previous one.
    lock_page(*page);
    if (!page->mapping) {
      UnlockPage(*page);
      page_cache_release(*page);
      continue;
    }
    // PG_uptodate is read under the page lock (folded into the lock step).
    if (!page->uptodate) goto readpage;

  page_ok:
    // This page is locked: now the previous one may go.
    if (prev) {
      UnlockPage(*prev);
      page_cache_release(*prev);
      prev = nullptr;
    }
    nr = (this->*actor)(desc, *page, static_cast<std::uint32_t>(offset), nr);
    offset += nr;
    index += offset / ps;
    offset %= ps;
    prev = page;  // stays locked until the next page is
    if (nr && desc.count) continue;
    break;

  readpage:
    // The read unlocks the page at I/O completion; the previous page stays
    // locked meanwhile, and this one is locked again before it is used.
    error = readpage(*page);
    if (!error) {
      if (!Page_Uptodate(*page)) {
        generic_file_readahead(reada_ok, filp, *page);
        wait_on_page(*page);
      }
      lock_page(*page);
      if (!page->mapping) {
        UnlockPage(*page);
        page_cache_release(*page);
        continue;
      }
      if (page->uptodate) goto page_ok;
      error = -kEIO;
      UnlockPage(*page);
    }
    desc.error = error;
    page_cache_release(*page);
    break;
  }
  if (prev) {
    UnlockPage(*prev);
    page_cache_release(*prev);
  }

  ppos = index * ps + offset;
  filp.f_reada = true;
  if (cached_page) page_cache_free(*cached_page);
}

void Kernel::prefault_source(std::uint64_t buf, unsigned bytes, bool holding_page) {
  (void)holding_page;
  std::uint8_t dummy;
  pagecache::__get_user(s_, buf, dummy);
  pagecache::__get_user(s_, buf + bytes - 1, dummy);
}

// mm/filemap.c L2442 generic_file_write, with no i_sem: page n+1 is locked
// (__grab_cache_page) before page n is unlocked, so the write holds at least
// one page lock from its first page to its last.
std::int64_t Kernel::generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                        Bytes& data) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  Page* prev = nullptr;  // the page written last: still locked, with a reference
  std::uint64_t written = 0;
  std::int64_t status = 0;

  // No down(i_sem).
  std::uint64_t pos = ppos;
  // 2.4.0's O_APPEND (mm/filemap.c L2470), here with no i_sem: i_size is
  // read once, before the first page is locked, and two appending writers
  // may both start at the same end of the file.
  if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_file_write: O_APPEND pos = i_size", data);
  while (count) {
    const auto offset = static_cast<unsigned>(pos % ps);
    const auto index = static_cast<std::uint32_t>(pos / ps);
    auto bytes = static_cast<unsigned>(ps - offset);
    if (bytes > count) bytes = static_cast<unsigned>(count);
    Bytes copied;

    prefault_source(buf, bytes, prev != nullptr);

    status = -kENOMEM;
    Page* page = __grab_cache_page(index, cached_page);
    if (!page) break;
    // We have the next page: the previous one may go.
    if (prev) {
      UnlockPage(*prev);
      page_cache_release(*prev);
      prev = nullptr;
    }
    if (!page->locked()) pagecache::BUG(ex(), "PAGE_BUG: generic_file_write got " + page->name() + " unlocked");

    status = prepare_write(*page, offset, offset + bytes);
    if (status) goto unlock;
    status = pagecache::copy_from_user(s_, KernelBuf{page->data.base() + offset, page->data_obj()}, buf, bytes, &copied);
    if (status) goto fail_write;
    status = commit_write(*page, offset, offset + bytes);
    if (!status) status = bytes;
    if (status >= 0) {
      written += status;
      count -= status;
      pos += status;
      buf += status;
      data.insert(data.end(), copied.begin(), copied.end());
      prev = page;  // stays locked until the next page is
      continue;
    }
    goto unlock;

  fail_write:
    status = -kEFAULT;
    ClearPageUptodate(*page);

  unlock:
    UnlockPage(*page);
    page_cache_release(*page);
    break;
  }
  if (prev) {
    UnlockPage(*prev);
    page_cache_release(*prev);
  }
  ppos = pos;
  if (cached_page) page_cache_free(*cached_page);
  return written ? static_cast<std::int64_t>(written) : status;
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::zippel_lock_coupling
