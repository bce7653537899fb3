// The page-cache model's state digests (sim/digest.hpp), for a stateful
// search: a digest for each object the model makes, and one for the shared
// state that belongs to no object. install_digests() registers them; State's
// constructor calls it last, after the kernel made its objects.
//
// What each object's digest covers (everything a step naming it can read):
//   page[i]            every struct page ever allocated in slot i, in
//                      allocation order: flags, count, list, mapping, and its
//                      buffer heads (state bits, block, b_count, b_end_io,
//                      which list b_inode is on). Pages are named by (slot,
//                      ordinal in the slot), not by allocation number, which
//                      only reports print.
//   page[i].data       the bytes of those pages
//   page[i].PG_locked, page[i].bh[j].BH_Lock
//                      the lock, and page[i]'s digest too: the lock's holder
//                      reads PG_uptodate, page->mapping, page->buffers,
//                      BH_Mapped, BH_New (and the buffer's I/O bookkeeping,
//                      under BH_Lock) without naming page[i] (the audit's
//                      guarded fields), so a step on the lock observes them
//   mapping            nrpages, the hash, the three lists
//   inode.i_size, ext2.i_block, inode.i_dirty_buffers, disk[b]
//   disk.requests      the semaphore and the request queue
//   pte[v]             vma, present, dirty, the page it maps; user[v].data
//   the primitives     (i_sem, i_rwsem, mmap_sem) digest themselves
// The global digest: the number of pages allocated, the epilogue flag, the
// nonblocking-fault flags, every struct file, and the observation (the
// syscall records, with their begin and end steps replaced by their ranks
// among all of them: the invariants only compare them, and a later step is
// later than every recorded one whatever its number, so two runs whose
// records are in the same order agree on every comparison to come).
#pragma once

#include <cstdint>

namespace sim {
class BitLock;
}

namespace models::pagecache {

class State;
struct Pte;

// One registered digest: what it is the digest of. State keeps them (their
// addresses are registered with the execution).
struct DigestArg {
  enum class Kind : std::uint8_t { global, page, data, page_lock, mapping, i_size, i_block, dirty_buffers,
                                   disk_block, requests, pte, user_data };
  const State* s = nullptr;
  Kind kind = Kind::global;
  std::uint32_t index = 0;  // slot, disk block
  const sim::BitLock* lock = nullptr;
  const Pte* pte = nullptr;
  static std::uint64_t digest(const void* self);
};

void install_digests(State& s);

}  // namespace models::pagecache
