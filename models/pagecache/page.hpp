// struct page and struct buffer_head (include/linux/mm.h, include/linux/fs.h
// in 2.4.0), and the page-flag operations of include/linux/mm.h L157-208.
//
// Objects, as the engine sees them (one set per page-cache index, a "slot",
// so that object ids do not depend on the order of allocations):
//   page[i]            the struct page: PG_dirty, PG_error, its list, and
//                      page->buffers (whether it has buffer heads)
//   page[i].PG_uptodate  PG_uptodate, apart from the other flags: most steps
//                      that test or set a page flag test or set this one
//   page[i].buffers    the state bits of its buffer heads (BH_Uptodate, BH_Dirty,
//                      BH_Mapped, BH_New), apart from the page's own flags
//   page[i].count      its references: page->count, and page->mapping (the
//                      page cache's own reference); gets and puts that
//                      provably commute are adds (sim::Access::add, page.cpp)
//   page[i].PG_locked  the page lock (a sim::BitLock with the page's wait queue)
//   page[i].data       the page's bytes
//   page[i].bh[j].BH_Lock  the lock of its j-th buffer head (a sim::BitLock)
// The fields below that other threads may change while a step runs are
// sim::Audited, owned by the object above that holds them: under the audit
// (sim/audit.hpp) every access to them is checked against the step's
// footprint. Fields set once before the page or buffer is published through
// the page hash (serial, index, was_cached, nr, b_page, b_blocknr) and the
// buffer's I/O bookkeeping under BH_Lock (b_end_io, b_count, b_inode) are
// plain. The bytes (page[i].data) are reached through PageData, which reports
// a read or a write of the whole page at each access.
// A struct page is allocated anew each time the index enters the cache;
// reclaim frees it only when nobody holds a reference (count 1), so two live
// pages of one index never both use the slot's locks.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "sim/audit.hpp"
#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace models::pagecache {

// The content of a page fresh from page_cache_alloc() (alloc_pages does not
// clear it) and of a disk block that belongs to no file: whatever was there
// before. No write explains these bytes, so a reader that sees one has seen
// memory or disk that the file never owned.
inline constexpr std::uint8_t kFreshPageByte = 0xCC;
inline constexpr std::uint8_t kStaleDiskByte = 0xEE;

struct Page;

// bh->b_end_io: which completion the disk runs for this buffer.
enum class EndIo : std::uint8_t {
  none,
  sync,   // end_buffer_io_sync (drivers/block/ll_rw_blk.c), set by ll_rw_block
  async,  // end_buffer_io_async (fs/buffer.c), set by block_read_full_page / __block_write_full_page
};

// struct buffer_head (include/linux/fs.h): one block of a page. Its state bits
// belong to the page[i].buffers object; its BH_Lock is the slot's BitLock.
struct BufferHead {
  BufferHead() = default;  // owned by no object: an audited access to it is reported as such
  // BH_Mapped and BH_New change only under the page lock (get_block runs
  // with the page locked): its holder may read them without a footprint.
  BufferHead(sim::ObjectId page_obj, const sim::BitLock& page_lock)
      : uptodate(page_obj, false), dirty(page_obj, false), mapped(page_obj, false, page_lock),
        new_(page_obj, false, page_lock) {}
  Page* b_page = nullptr;
  std::uint32_t nr = 0;           // which block of the page
  std::uint64_t b_blocknr = 0;    // disk block, when mapped
  sim::Audited<bool> uptodate;    // BH_Uptodate
  sim::Audited<bool> dirty;       // BH_Dirty
  sim::Audited<bool> mapped;      // BH_Mapped
  sim::Audited<bool> new_;        // BH_New
  // (BH_Req is not modelled: nothing in 2.4.0's paths here reads it.)
  int b_count = 0;
  EndIo b_end_io = EndIo::none;
  // bh->b_inode: the list it is on, inode->i_dirty_buffers or an fsync's
  // private list, or nullptr (buffer_insert_inode_queue, remove_inode_queue).
  std::deque<BufferHead*>* b_inode = nullptr;
  sim::BitLock* lock = nullptr;   // BH_Lock
  bool locked() const { return lock->locked(); }
};

// The bytes of a page, owned by page[i].data: read() and write() report the
// access (the whole page: copies report at their helpers, byte by byte
// would cost more and say no more); peek() is for code outside steps.
class PageData {
 public:
  PageData(sim::ObjectId owner, std::uint32_t size, std::uint8_t fill) : bytes_(size, fill), owner_(owner) {}
  const Bytes& read() const {
    sim::audit::read(owner_);
    return bytes_;
  }
  Bytes& write() {
    sim::audit::write(owner_);
    return bytes_;
  }
  const Bytes& peek() const { return bytes_; }
  // The bytes for a KernelBuf (uaccess.hpp), which reports each load and
  // store itself with the page's data object.
  std::uint8_t* base() { return bytes_.data(); }
  Bytes& setup() { return bytes_; }  // building the state before the run
  std::size_t size() const { return bytes_.size(); }

 private:
  Bytes bytes_;
  sim::ObjectId owner_;
};

// The engine objects of one page-cache index (see the top of this file).
struct PageSlot {
  PageSlot(sim::Execution& ex, std::uint32_t index, std::uint32_t blocks_per_page);
  sim::Execution& ex;
  std::uint32_t index;
  sim::ObjectId obj;       // page[i]
  sim::ObjectId count_obj; // page[i].count
  sim::ObjectId buffers_obj;  // page[i].buffers
  sim::ObjectId uptodate_obj;  // page[i].PG_uptodate
  sim::ObjectId data_obj;  // page[i].data
  sim::BitLock PG_locked;  // page[i].PG_locked
  std::vector<std::unique_ptr<sim::BitLock>> bh_lock;  // page[i].bh[j].BH_Lock
};

// struct page (include/linux/mm.h). PG_locked is slot.PG_locked.
struct Page {
  enum class List : std::uint8_t { none, clean, dirty, locked };  // mapping->{clean,dirty,locked}_pages

  Page(PageSlot& s, std::uint64_t serial, std::uint32_t page_size);

  PageSlot& slot;
  std::uint64_t serial;      // allocation number in this execution, from 1
  std::uint32_t index;       // page->index
  // page->mapping, PG_uptodate and page->buffers change only under the page lock, so its
  // holder may read them without announcing page[i] / page[i].count
  // (linux-2.4.0/filemap.cpp folds such reads into lock_page); the audit
  // checks that premise. page->mapping belongs to page[i].count: while it is
  // set the page cache holds a reference, which is what lets a put commute.
  sim::Audited<bool> mapping;  // page->mapping != NULL: in the page cache
  // It has been in the page cache: only then is the slot's PG_locked its
  // own (a spare page that never got in shares the slot's lock with the page
  // that did, and may be freed while that one is locked).
  bool was_cached = false;
  // truncate_complete_page is taking it out of the page cache (set by the
  // truncating thread under the page lock): its data lies past the new end
  // of the file, and the ClearPageUptodate that follows drops it on purpose
  // (checker/invariants/uptodate_lost.cpp).
  bool truncated = false;
  sim::Audited<bool> uptodate;  // PG_uptodate (page[i].PG_uptodate)
  sim::Audited<bool> dirty;     // PG_dirty
  sim::Audited<bool> error;     // PG_error
  sim::Audited<int> count;      // page->count (page[i].count): page_cache_alloc gives one reference
  sim::Audited<bool> freed;     // count reached 0 (page[i].count)
  sim::Audited<List> list;
  PageData data;
  sim::Audited<bool> has_buffers;  // page->buffers != NULL
  std::vector<BufferHead> buffers;

  sim::Execution& ex() const { return slot.ex; }
  sim::ObjectId obj() const { return slot.obj; }
  sim::ObjectId count_obj() const { return slot.count_obj; }
  sim::ObjectId buffers_obj() const { return slot.buffers_obj; }
  sim::ObjectId uptodate_obj() const { return slot.uptodate_obj; }
  sim::ObjectId data_obj() const { return slot.data_obj; }
  sim::BitLock& lock() const { return slot.PG_locked; }
  bool locked() const { return slot.PG_locked.locked(); }
  bool any_buffer_dirty() const;
  std::string name() const;  // "page[1]#3": index and allocation number
};

// ---- include/linux/mm.h L157-208: each is one visible step on the page ----
bool Page_Uptodate(Page& page);
void SetPageUptodate(Page& page);
void ClearPageUptodate(Page& page);
bool PageError(Page& page);
void SetPageError(Page& page);
void ClearPageError(Page& page);
bool PageDirty(Page& page);
void SetPageDirty(Page& page);
void ClearPageDirty(Page& page);
bool PageLocked(Page& page);
// TryLockPage: true when it was already locked (test_and_set_bit).
bool TryLockPage(Page& page);
// UnlockPage: BUG() when the page is not locked; wakes the waiters.
void UnlockPage(Page& page);

// page->count changes (include/linux/mm.h get_page/put_page). In-step forms
// for callers that do them inside a step they have announced (under
// pagecache_lock), and page_cache_release as its own step. A get is an add
// to page[i].count (the step must announce A or W of it); a put is an add
// while the page is in the page cache, and a write otherwise (the step must
// announce W): page_cache_release_in_step returns true when it was an add.
// Why they commute: page.cpp, beside page_cache_release_in_step.
void page_cache_get_in_step(Page& page);
bool page_cache_release_in_step(Page& page);
void page_cache_release(Page& page);

}  // namespace models::pagecache
