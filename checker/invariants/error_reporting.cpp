// stale-error and lost-error over the observation of one execution: the
// block I/O the disk completed (Observation::io) against the calls' results.
#include "checker/invariants/error_reporting.hpp"

#include "models/pagecache/state.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace checker::invariants {

using models::pagecache::AgentSpec;
using models::pagecache::IoRecord;
using models::pagecache::Observation;
using models::pagecache::Operation;
using models::pagecache::SyscallRecord;

namespace {

// The scenario's threads by name; past them the model spawned "disk" and the
// agents, in the order of config->agents (models/pagecache/program.cpp).
std::string who(const CheckOptions& options, sim::ThreadId t) {
  const auto* c = options.config;
  if (c == nullptr || t < c->threads.size() || t == sim::kNoThread || !options.thread_names.empty())
    return detail::thread_label(options, t);
  if (t == c->threads.size()) return "thread \"disk\"";
  std::size_t reclaimers = 0, flushers = 0;
  for (std::size_t a = 0; a < c->agents.size(); ++a) {
    const bool reclaim = c->agents[a].kind == AgentSpec::Kind::reclaim;
    const std::size_t n = reclaim ? ++reclaimers : ++flushers;
    if (t == c->threads.size() + 1 + a) {
      const std::string base = reclaim ? "kswapd" : "bdflush";
      return "thread \"" + (n == 1 ? base : base + std::to_string(n)) + "\"";
    }
  }
  return detail::thread_label(options, t);
}

std::string steps_of(const SyscallRecord& c) {
  return "steps " + std::to_string(c.begin_step) + "-" + std::to_string(c.end_step);
}

std::string describe_call(const CheckOptions& options, const SyscallRecord& c) {
  std::string s = models::pagecache::operation_name(c.kind);
  if (c.kind == Operation::Kind::read || c.kind == Operation::Kind::pread)
    s += " of " + std::to_string(c.requested) + " bytes at offset " + std::to_string(c.file_offset);
  return s + " by " + who(options, c.thread) + " (" + steps_of(c) + ")";
}

// The last I/O fault on `page` injected at or before `step`, if any.
const IoRecord* last_fault_on(const Observation& obs, std::uint32_t page, std::uint64_t step) {
  const IoRecord* last = nullptr;
  for (const IoRecord& io : obs.io)
    if (!io.ok && io.page == page && io.step <= step) last = &io;
  return last;
}

std::string describe_fault(const CheckOptions& options, const IoRecord& io) {
  return std::string("a ") + (io.write ? "write" : "read") + " I/O error injected at step " +
         std::to_string(io.step) + " into the I/O of block " + std::to_string(io.block) + " submitted by " +
         who(options, io.submitter);
}

// What the message says of the error's origin on `page`, up to `step`.
std::string origin(const Observation& obs, const CheckOptions& options, std::uint32_t page, std::uint64_t step) {
  const IoRecord* f = last_fault_on(obs, page, step);
  if (f == nullptr) return "no fault was injected on page " + std::to_string(page) + " at all";
  return "page " + std::to_string(page) + "'s PG_error was set at step " + std::to_string(f->step) + " by " +
         describe_fault(options, *f) + ", and no read cleared it before this one";
}

sim::Verdict violation(const char* invariant, std::string message, std::uint64_t step) {
  sim::Verdict v;
  v.kind = sim::Verdict::Kind::violation;
  v.invariant = invariant;
  v.message = std::move(message);
  v.step = step;
  return v;
}

bool is_sync(Operation::Kind k) { return k == Operation::Kind::fsync || k == Operation::Kind::msync; }


// A struct file and the fsync (msync) calls made on it, in the order they
// began: each thread's first one, open before anything runs, a new one for
// each of its open operations (file15), and the one behind the MAP_SHARED
// mappings (every msync; thread kNoThread). A call that found the fd closed
// (-EBADF) is on none.
struct Description {
  sim::ThreadId thread = sim::kNoThread;
  const SyscallRecord* open = nullptr;  // the open call that made it, or none (open from the start)
  std::vector<const SyscallRecord*> syncs;
};

std::vector<Description> descriptions_of(const Observation& obs, std::size_t threads) {
  std::vector<const SyscallRecord*> calls;
  for (const SyscallRecord& c : obs.calls) calls.push_back(&c);
  std::stable_sort(calls.begin(), calls.end(), [](const SyscallRecord* a, const SyscallRecord* b) {
    return a->thread != b->thread ? a->thread < b->thread : a->op_index < b->op_index;
  });
  std::vector<Description> out;
  Description mapping;
  constexpr std::size_t kClosed = static_cast<std::size_t>(-1);
  std::vector<std::size_t> current(threads);  // index in out, or kClosed
  for (std::size_t t = 0; t < threads; ++t) {
    current[t] = out.size();
    out.push_back(Description{static_cast<sim::ThreadId>(t), nullptr, {}});
  }
  for (const SyscallRecord* c : calls) {
    if (c->kind == Operation::Kind::msync) {
      mapping.syncs.push_back(c);
      continue;
    }
    if (c->thread >= threads) continue;
    if (c->kind == Operation::Kind::close) {
      current[c->thread] = kClosed;
    } else if (c->kind == Operation::Kind::open) {
      current[c->thread] = out.size();
      out.push_back(Description{c->thread, c, {}});
    } else if (c->kind == Operation::Kind::fsync && current[c->thread] != kClosed) {
      out[current[c->thread]].syncs.push_back(c);
    }
  }
  out.push_back(std::move(mapping));
  for (Description& d : out)
    std::stable_sort(d.syncs.begin(), d.syncs.end(),
                     [](const SyscallRecord* a, const SyscallRecord* b) { return a->begin_step < b->begin_step; });
  return out;
}

// Must `desc` be told of a write error injected at `step`? errseq_t's rule
// (4.13, and 4.16's "errseq: Always report a writeback error once"): every
// description open at the time; one opened after it only if nobody had seen
// the error when it was opened. "Seen": an fsync or msync that returned
// -EIO (the only write error injected), ended after the fault and began before the open returned (an
// overlap counts as seen, so that the check never demands a report the
// kernel's order could have excused). An open that had not returned by the
// fault is judged by the second rule.
bool must_be_told(const Observation& obs, const Description& desc, std::uint64_t step) {
  if (desc.open == nullptr || desc.open->end_step <= step) return true;
  return std::none_of(obs.calls.begin(), obs.calls.end(), [&](const SyscallRecord& c) {
    return is_sync(c.kind) && c.completed && c.result == -5 && c.end_step > step && c.begin_step < desc.open->end_step;
  });
}

}  // namespace

std::optional<sim::Verdict> check_stale_error(const Observation& obs, const CheckOptions& options) {
  if (options.config == nullptr) return std::nullopt;
  const std::uint64_t ps = options.config->geometry.page_size;
  for (const SyscallRecord& c : obs.calls) {
    if (!c.completed || c.result != -5) continue;
    if (c.kind != Operation::Kind::read && c.kind != Operation::Kind::pread) continue;
    // It returned -EIO, so it read nothing: it stopped at its first page.
    const auto page = static_cast<std::uint32_t>(c.file_offset / ps);
    const bool own = std::any_of(obs.io.begin(), obs.io.end(), [&](const IoRecord& io) {
      return !io.write && !io.ok && io.page == page && io.submitter == c.thread && io.step >= c.begin_step &&
             io.step <= c.end_step;
    });
    if (own) continue;
    return violation("stale-error",
                     describe_call(options, c) + " returned " + detail::result_text(c.result) +
                         ", though no fault was injected into its own I/O: the error is stale; " +
                         origin(obs, options, page, c.end_step),
                     c.end_step);
  }
  if (!obs.final_read_done) return std::nullopt;
  std::uint64_t last_step = 0;
  for (const SyscallRecord& c : obs.calls) last_step = std::max(last_step, c.completed ? c.end_step : c.begin_step);
  const struct {
    int error;
    std::size_t got;
    const char* how;
  } reads[] = {{obs.final_cached_error, obs.final_cached.size(), "back through the page cache"},
               {obs.final_after_evict_error, obs.final_after_evict.size(), "back after a sync and the eviction of every page"}};
  for (const auto& r : reads) {
    if (r.error == 0) continue;
    const auto page = static_cast<std::uint32_t>(r.got / ps);
    return violation("stale-error",
                     std::string("after all threads ended, the read of the whole file ") + r.how + " stopped with " +
                         detail::result_text(r.error) + " at page " + std::to_string(page) + " after " +
                         std::to_string(r.got) + " bytes, though the end-of-run read injects no faults: the error is "
                         "stale; " + origin(obs, options, page, last_step),
                     last_step);
  }
  return std::nullopt;
}

std::optional<sim::Verdict> check_lost_error(const Observation& obs, const CheckOptions& options) {
  if (options.config == nullptr) return std::nullopt;
  const std::uint64_t bs = options.config->geometry.block_size;
  const std::vector<detail::FileWrite> writes = detail::writes_of(obs, options.config);
  const std::vector<Description> descs = descriptions_of(obs, options.config->threads.size());

  for (const IoRecord& io : obs.io) {
    if (!io.write || io.ok) continue;
    // Was this block's data written by a call that completed before `c` began?
    auto covered = [&](const SyscallRecord& c) {
      return std::any_of(writes.begin(), writes.end(), [&](const detail::FileWrite& w) {
        const SyscallRecord& wc = obs.calls[w.call];
        return wc.completed && detail::precedes(wc, c) && w.offset < (io.block + 1) * bs &&
               io.block * bs < w.offset + w.data.size();
      });
    };
    for (const Description& desc : descs) {
      if (!must_be_told(obs, desc, io.step)) continue;
      const SyscallRecord* next = nullptr;
      for (const SyscallRecord* c : desc.syncs) {
        if (!c->completed || c->end_step <= io.step) continue;
        if (c->begin_step > io.step || covered(*c)) next = c;
        break;
      }
      if (next == nullptr)
        for (const SyscallRecord* c : desc.syncs)
          if (c->completed && c->begin_step > io.step) {
            next = c;
            break;
          }
      if (next == nullptr || next->result < 0) continue;
      std::string told;
      for (const SyscallRecord& c : obs.calls)
        if (is_sync(c.kind) && c.completed && c.result < 0 && c.end_step > io.step)
          told += (told.empty() ? "" : "; ") + describe_call(options, c) + " = " + detail::result_text(c.result);
      std::string name = desc.thread == sim::kNoThread ? "the struct file of the shared mapping"
                                                        : who(options, desc.thread) + "'s own struct file";
      const bool opened_after = desc.open != nullptr && desc.open->end_step > io.step;
      if (desc.open != nullptr)
        name += " opened by its open (" + steps_of(*desc.open) + ")" +
                (opened_after ? " after the error, which nobody had seen then" : "");
      return violation("lost-error",
                       describe_call(options, *next) + " returned " + detail::result_text(next->result) +
                           ", but the writeback of page " + std::to_string(io.page) + " had failed: " +
                           describe_fault(options, io) + ", while " + name +
                           (opened_after ? "" : " was open") + ", and this was its next " +
                           models::pagecache::operation_name(next->kind) +
                           ": the error is lost; " +
                           (told.empty() ? "no call reported it" : "it was reported only to: " + told),
                       next->end_step);
    }
  }
  return std::nullopt;
}

}  // namespace checker::invariants
