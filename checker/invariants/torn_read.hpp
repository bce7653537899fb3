// torn-read (DESIGN.md section 4; POSIX XSH 2.9.7: a read and a write on a
// regular file are atomic with respect to each other): the bytes a completed
// read returns must be the file's content after some set of whole writes,
// applied in an order consistent with real time, where
//   - every write that completed before the read began is in the set,
//   - no write that began after the read returned is,
//   - the others (in flight while the read ran) may or may not be;
//   - a write that returned a short count counts as the write of that many
//     bytes, one that failed as no write;
//   - writes that do not overlap in time apply in their real-time order,
//     writes that overlap in time apply in either order.
// The read's count must fit the same content's size: a read of n bytes at
// offset o returns min(n, size - o) bytes (0 at or past EOF).
//
// Real time is the execution's step count: call a "completed before" call b
// when a returned at a step before the one at which b began, or when both are
// calls of one thread and a comes first in its program. Calls of different
// threads whose steps touch (a.end_step == b.begin_step) count as
// overlapping, which admits more and never reports a false violation.
//
// Like the kernel, the file starts as Observation::initial_content, a write
// past EOF extends it and the hole between reads as zeros. An ftruncate that
// returned 0 counts like a write, in the same real-time order: it sets the
// size, and the bytes past it read as zeros (torn_read.cpp, Search::place).
//
// This header also holds the search that decides "some set of writes in some
// order explains these bytes", shared with lost-data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/observation.hpp"
#include "sim/verdict.hpp"

namespace checker::invariants {

struct CheckOptions {
  // Thread names by ThreadId for messages. When empty and `config` is set,
  // config->threads[t].name; otherwise "thread t".
  std::vector<std::string> thread_names;
  // The scenario, when known. ThreadId t is then taken to be
  // config->threads[t] (the model spawns the scenario's threads first, in
  // order; a record whose op_index or kind does not fit is not looked up).
  // It lets the checks
  //   - accept a short count from a read whose buffer reaches an invalid
  //     region (copy_to_user faults: the read returns what it copied) or
  //     when read I/O errors may be injected (a read stops at the failed page),
  //   - count a `touch` store through a shared_file region as a one-byte
  //     write into the file (it changes the page; it does not change i_size),
  //   - count the bytes a read returns into a shared_file region as a write
  //     of them into the file (copy_to_user stores them into its pages), one
  //     per run of contiguous file bytes, taken as whole like any write.
  // Without it, every short read is checked against i_size and stores through
  // mappings are not seen.
  const models::pagecache::Config* config = nullptr;
  // The search gives up past this many states; a question it cannot decide
  // is not reported (never a false violation). Small scenarios stay far below.
  std::size_t max_states = std::size_t{1} << 20;
};

// Checks every completed read of `obs`; returns the first read (in the order
// of `obs.calls`) that no admissible set of writes explains, as a verdict of
// kind violation, invariant "torn-read", naming the read's thread and the step
// at which it returned, with the bytes seen and the bytes expected.
std::optional<sim::Verdict> check_torn_read(const models::pagecache::Observation& obs,
                                            const CheckOptions& options = {});

// Bytes as scenario files write them, quoted: "AB\x00\\" (see
// docs/scenario-format.md).
std::string quote_bytes(const models::pagecache::Bytes& bytes);

// ---- the search, shared with lost-data ----
namespace detail {

// One write as the invariants see it: what a call reports it wrote.
struct FileWrite {
  std::size_t call = 0;  // index in Observation::calls
  std::uint64_t offset = 0;
  models::pagecache::Bytes data;
  // write(): i_size grows to its end. A store through a mapping: i_size stays,
  // the byte stays in its page (and shows if a later write extends the file
  // over it).
  bool extends = true;
  bool mandatory = false;  // must be in the set (else: may be)
  // ftruncate(offset): no data; the file's size becomes `offset`, and every
  // byte at or past it reads as zero until a later write covers it (a
  // shrink drops them, a grow exposes zeros: POSIX ftruncate).
  bool truncates = false;
};

// What a set of writes must explain: `seen` at file offset `offset`, with
// the file's size (after the writes) in [size_min, size_max].
struct Window {
  std::uint64_t offset = 0;
  const models::pagecache::Bytes* seen = nullptr;
  std::uint64_t size_min = 0;
  std::uint64_t size_max = ~std::uint64_t{0};
};

enum class Explained { yes, no, undecided };

// True when call `a` completed before call `b` began (the real-time order).
bool precedes(const models::pagecache::SyscallRecord& a, const models::pagecache::SyscallRecord& b);

// The writes (write, pwrite, writev with a positive count; with a config,
// touch stores through shared_file regions and reads into them) of `obs`, all
// marked optional.
std::vector<FileWrite> writes_of(const models::pagecache::Observation& obs,
                                 const models::pagecache::Config* config);

// Is there a set S of `writes` (every mandatory one, any of the others) and an
// order of S consistent with real time such that the content after S, applied
// to `initial` in that order, has `window.seen` at `window.offset` and a size
// in the window's range?
Explained explain(const models::pagecache::Observation& obs,
                  const models::pagecache::Bytes& initial, const std::vector<FileWrite>& writes,
                  const Window& window, std::size_t max_states);

// The file after `writes`, applied to `initial` in the order given.
models::pagecache::Bytes apply_writes(const models::pagecache::Bytes& initial,
                                      const std::vector<const FileWrite*>& writes);

// `writes` sorted into one real-time order (by the step they began at).
std::vector<const FileWrite*> in_real_time_order(const models::pagecache::Observation& obs,
                                                 const std::vector<const FileWrite*>& writes);

// "thread \"w\"" for messages.
std::string thread_label(const CheckOptions& options, sim::ThreadId t);
// A call's result as messages print it: "-5 (EIO)", "4".
std::string result_text(std::int64_t result);
// "write of 4 bytes "BBBB" at offset 0 by thread "w" (steps 3-9)".
std::string describe_write(const models::pagecache::Observation& obs, const CheckOptions& options,
                           const FileWrite& w);

// The writes that returned an error or 0 and so count as no write, among
// those `keep` accepts, described: "pwrite of 4 bytes at offset 0 by thread
// "w" (steps 0-40) returned -14 (EFAULT)", joined by "; "; "" when none.
std::string failed_writes(const models::pagecache::Observation& obs, const CheckOptions& options,
                          const std::function<bool(const models::pagecache::SyscallRecord&)>& keep);

}  // namespace detail
}  // namespace checker::invariants
