// The fault side of Roman Zippel's idea 1 (linux-mm, 15 Feb 2001): "a
// nonblocking version from copy_(from|to)_user, which returns EAGAIN if it
// finds a locked page ... see arch/m68k/mm/fault.c how to pass additional
// info from the fault handler". The copies are in models/pagecache/uaccess
// (copy_from_user_nonblocking, copy_to_user_nonblocking); they mark their
// thread's faults nonblocking. This mixin gives a kernel a filemap_nopage
// that, in such a fault, does not sleep where 2.4.0's sleeps on a locked page
// (lock_page, wait_on_page) but records that it would have
// (set_fault_would_block) and fails, so that the copy stops with EAGAIN.
// A page is "found locked" when the fault comes to lock it and somebody
// holds it; the wait for the read the fault itself started is an I/O wait,
// not a sleep on a lock, and stays.
// Outside a nonblocking copy it is 2.4.0's filemap_nopage, step for step.
// Used by zippel-nonblocking-copy (over linux-2.4.0) and zippel-combined
// (over zippel-lock-coupling).
#pragma once

#include <cstdint>
#include <stdexcept>

#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::zippel_nonblocking_copy {

template <class Base>
class WithNonblockingFaults : public Base {
 public:
  using Base::Base;
  using Page = pagecache::Page;

  // mm/filemap.c L1431 filemap_nopage (2.4.0), each lock_page guarded.
  Page* filemap_nopage(pagecache::Pte& area, std::uint64_t address, bool no_share) override {
    (void)address;
    pagecache::State& s = this->s_;
    const std::uint64_t ps = s.geo.page_size;
    const std::uint32_t pgoff = area.file_index;
    Page* page = nullptr;
    std::uint64_t size;
    int error;

  retry_all:
    pagecache::step(s.ex, "filemap_nopage: i_size", {pagecache::R(s.inode.size_obj)});
    size = (s.inode.i_size + ps - 1) / ps;
    if (pgoff >= size) return nullptr;

  retry_find:
    page = this->__find_get_page(pgoff);
    if (!page) goto no_cached_page;
    if (!Page_Uptodate(*page)) goto page_not_uptodate;

  success:
    if (no_share) throw std::logic_error("model bug: filemap_nopage for a private mapping");
    return page;

  no_cached_page:
    error = pgoff < size ? this->read_cluster_nonblocking(pgoff, size) : this->page_cache_read(pgoff);
    if (error >= 0) goto retry_find;
    return nullptr;

  page_not_uptodate:
    if (!lock_page_or_fail(*page)) goto would_block;
    if (!page->mapping) {
      UnlockPage(*page);
      pagecache::page_cache_release(*page);
      goto retry_all;
    }
    if (page->uptodate) {
      UnlockPage(*page);
      goto success;
    }
    // Waiting for the read this fault started itself is not a sleep on a
    // page somebody else locked: it ends when the I/O does.
    if (!this->readpage(*page)) {
      this->wait_on_page(*page);
      if (Page_Uptodate(*page)) goto success;
    }

    if (!lock_page_or_fail(*page)) goto would_block;
    if (!page->mapping) {
      UnlockPage(*page);
      pagecache::page_cache_release(*page);
      goto retry_all;
    }
    if (page->uptodate) {
      UnlockPage(*page);
      goto success;
    }
    ClearPageError(*page);
    if (!this->readpage(*page)) {
      this->wait_on_page(*page);
      if (Page_Uptodate(*page)) goto success;
    }
    pagecache::page_cache_release(*page);
    return nullptr;

  would_block:
    // The page is locked and this fault may not sleep on it: drop the
    // reference and fail; the copy returns EAGAIN.
    pagecache::page_cache_release(*page);
    return nullptr;
  }

 protected:
  // lock_page, or in a nonblocking fault TryLockPage: false (and the fault
  // marked) when the page is locked.
  bool lock_page_or_fail(Page& page) {
    if (!pagecache::fault_is_nonblocking(this->s_)) {
      this->lock_page(page);
      return true;
    }
    if (TryLockPage(page)) {
      pagecache::set_fault_would_block(this->s_);
      return false;
    }
    return true;
  }
};

}  // namespace models::zippel_nonblocking_copy
