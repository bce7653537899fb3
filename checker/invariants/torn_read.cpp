// torn-read, and the search shared with lost-data: is there a set of whole
// writes, applied in an order consistent with real time, that explains the
// bytes seen?
//
// The search builds the order backwards, from the latest write: a byte of the
// window is decided by the latest write in the set that covers it, so placing
// a write fixes the bytes it covers that no later write covers, and a wrong
// byte cuts the branch at once. A write may be placed when every write that
// must come after it (in real time) is already placed or left out. Only the
// writes that overlap the window are ordered; the others can only change the
// file's size, which does not depend on the order -- unless an ftruncate is
// among them: then the size does (the latest truncation sets it, and only
// the writes after it extend it), so every write is ordered. States (which
// writes are placed, which left out, and the size a placed truncation
// fixed) that failed are remembered, so each is tried once.
#include "checker/invariants/torn_read.hpp"

#include <algorithm>
#include <unordered_set>

#include "models/pagecache/state.hpp"

namespace checker::invariants {

using models::pagecache::Bytes;
using models::pagecache::Config;
using models::pagecache::Observation;
using models::pagecache::Operation;
using models::pagecache::Region;
using models::pagecache::SyscallRecord;

namespace {

bool is_write(Operation::Kind k) {
  return k == Operation::Kind::write || k == Operation::Kind::pwrite ||
         k == Operation::Kind::writev;
}
bool is_read(Operation::Kind k) {
  return k == Operation::Kind::read || k == Operation::Kind::pread;
}

// The call as the messages name it: operation_name, but a touch that this
// invariant reports is always a store into a mapping.
const char* kind_name(Operation::Kind k) {
  return k == Operation::Kind::touch ? "store" : models::pagecache::operation_name(k);
}

// The scenario's operation behind a record, when the config is known and fits.
const Operation* op_of(const Config* config, const SyscallRecord& rec) {
  if (config == nullptr || rec.thread >= config->threads.size()) return nullptr;
  const auto& ops = config->threads[rec.thread].ops;
  if (rec.op_index >= ops.size() || ops[rec.op_index].kind != rec.kind) return nullptr;
  return &ops[rec.op_index];
}

const Region* region_at(const Config& config, std::uint64_t address) {
  for (const Region& r : config.regions)
    if (address >= r.start && address - r.start < r.length) return &r;
  return nullptr;
}

// May this read legitimately return fewer bytes than the file holds? Yes when
// its buffer reaches memory that faults for good (copy_to_user stops there and
// the read returns what it copied), or when a block read may fail.
bool may_be_short(const Config* config, const SyscallRecord& read) {
  if (config == nullptr) return false;
  if (config->faults.read_io_error) return true;
  const Operation* op = op_of(config, read);
  if (op == nullptr) return false;
  for (const auto& iov : op->iov) {
    std::uint64_t a = iov.address;
    const std::uint64_t end = iov.address + iov.length;
    while (a < end) {
      const Region* r = region_at(*config, a);
      if (r == nullptr || r->kind == Region::Kind::invalid) return true;
      a = r->start + r->length;
    }
  }
  return false;
}

std::string slice_text(const Bytes& content, std::uint64_t offset, std::uint64_t count) {
  Bytes part;
  if (offset < content.size())
    part.assign(content.begin() + static_cast<std::ptrdiff_t>(offset),
                content.begin() + static_cast<std::ptrdiff_t>(
                                      std::min<std::uint64_t>(content.size(), offset + count)));
  return std::to_string(part.size()) + (part.size() == 1 ? " byte " : " bytes ") +
         quote_bytes(part);
}

class Search {
 public:
  Search(const Observation& obs, const Bytes& initial, const std::vector<detail::FileWrite>& writes,
         const detail::Window& window, std::size_t max_states)
      : initial_(initial), seen_(*window.seen), begin_(window.offset),
        size_min_(window.size_min), size_max_(window.size_max), max_states_(max_states),
        forced_size_(initial.size()) {
    const std::uint64_t end = begin_ + seen_.size();
    const bool truncation = std::any_of(writes.begin(), writes.end(),
                                        [](const detail::FileWrite& w) { return w.truncates; });
    for (const detail::FileWrite& w : writes) {
      if (w.data.empty() && !w.truncates) continue;
      const std::uint64_t w_end = w.offset + w.data.size();
      if (truncation || (w.offset < end && w_end > begin_)) {
        relevant_.push_back(&w);
      } else if (w.extends) {
        if (w.mandatory) forced_size_ = std::max(forced_size_, w_end);
        else optional_ends_.push_back(w_end);
      }
    }
    const std::size_t n = relevant_.size();
    successors_.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (i != j && detail::precedes(obs.calls[relevant_[i]->call], obs.calls[relevant_[j]->call]))
          successors_[i].push_back(j);
    state_.assign(n, kUndecided);
    covered_.assign(seen_.size(), false);
  }

  detail::Explained run() {
    if (size_min_ > size_max_) return detail::Explained::no;
    if (dfs(0)) return detail::Explained::yes;
    return gave_up_ ? detail::Explained::undecided : detail::Explained::no;
  }

 private:
  static constexpr char kUndecided = 0, kPlaced = 1, kDropped = 2;

  bool dfs(std::size_t decided) {
    if (decided == relevant_.size()) return leaf();
    std::string key(state_.begin(), state_.end());
    if (size_fixed_) key += "#" + std::to_string(fixed_size_);
    if (failed_.count(key) != 0) return false;
    if (++visited_ > max_states_) {
      gave_up_ = true;
      return false;
    }
    for (std::size_t i = 0; i < relevant_.size(); ++i) {
      if (state_[i] != kUndecided || !latest_possible(i)) continue;
      std::vector<std::size_t> newly;
      if (!place(*relevant_[i], newly)) continue;
      state_[i] = kPlaced;
      // The latest truncation placed fixes the size: its length, or the end
      // of a write after it that extends the file (placed before it here).
      const bool fixes = relevant_[i]->truncates && !size_fixed_;
      if (fixes) {
        size_fixed_ = true;
        fixed_size_ = std::max(relevant_[i]->offset, placed_extent());
      }
      if (dfs(decided + 1)) return true;
      if (fixes) size_fixed_ = false;
      state_[i] = kUndecided;
      for (std::size_t idx : newly) covered_[idx] = false;
      if (gave_up_) return false;
    }
    for (std::size_t i = 0; i < relevant_.size(); ++i) {
      if (state_[i] != kUndecided || relevant_[i]->mandatory) continue;
      state_[i] = kDropped;
      if (dfs(decided + 1)) return true;
      state_[i] = kUndecided;
      if (gave_up_) return false;
    }
    failed_.insert(std::move(key));
    return false;
  }

  // No undecided write must come after write i in real time.
  bool latest_possible(std::size_t i) const {
    for (std::size_t j : successors_[i])
      if (state_[j] == kUndecided) return false;
    return true;
  }

  // Places `w` as the latest of the writes still to place: the window bytes
  // it covers that no later write covers become its bytes. False (nothing
  // changed) when one of them differs from what was seen.
  bool place(const detail::FileWrite& w, std::vector<std::size_t>& newly) {
    // A truncation covers every window byte at or past its length, as zeros;
    // a write, the bytes it wrote.
    const std::uint64_t lo = std::max(begin_, w.offset);
    const std::uint64_t hi =
        w.truncates ? begin_ + seen_.size() : std::min(begin_ + seen_.size(), w.offset + w.data.size());
    for (std::uint64_t p = lo; p < hi; ++p) {
      const std::size_t idx = p - begin_;
      if (covered_[idx]) continue;
      if ((w.truncates ? 0 : w.data[p - w.offset]) != seen_[idx]) {
        for (std::size_t k : newly) covered_[k] = false;
        newly.clear();
        return false;
      }
      covered_[idx] = true;
      newly.push_back(idx);
    }
    return true;
  }

  bool leaf() const {
    for (std::size_t idx = 0; idx < seen_.size(); ++idx) {
      if (covered_[idx]) continue;
      const std::uint64_t p = begin_ + idx;
      const std::uint8_t base = p < initial_.size() ? initial_[p] : 0;  // a hole reads as zero
      if (base != seen_[idx]) return false;
    }
    if (size_fixed_) return fits(fixed_size_);
    const std::uint64_t size = std::max(forced_size_, placed_extent());
    if (fits(size)) return true;
    for (std::uint64_t e : optional_ends_)
      if (fits(std::max(size, e))) return true;
    return false;
  }

  bool fits(std::uint64_t size) const { return size >= size_min_ && size <= size_max_; }

  // The furthest end of a placed write that extends the file.
  std::uint64_t placed_extent() const {
    std::uint64_t size = 0;
    for (std::size_t i = 0; i < relevant_.size(); ++i)
      if (state_[i] == kPlaced && relevant_[i]->extends && !relevant_[i]->truncates)
        size = std::max<std::uint64_t>(size, relevant_[i]->offset + relevant_[i]->data.size());
    return size;
  }

  const Bytes& initial_;
  const Bytes& seen_;
  std::uint64_t begin_;
  std::uint64_t size_min_, size_max_;
  std::size_t max_states_;
  std::uint64_t forced_size_;
  std::vector<std::uint64_t> optional_ends_;
  std::vector<const detail::FileWrite*> relevant_;
  std::vector<std::vector<std::size_t>> successors_;
  std::string state_;
  std::vector<bool> covered_;
  std::unordered_set<std::string> failed_;
  std::size_t visited_ = 0;
  bool gave_up_ = false;
  bool size_fixed_ = false;  // a truncation is placed: the size is fixed_size_
  std::uint64_t fixed_size_ = 0;
};

// Up to `limit` writes, described, one per "; ".
std::string list_writes(const Observation& obs, const CheckOptions& options,
                        const std::vector<const detail::FileWrite*>& writes, std::size_t limit = 4) {
  std::string s;
  for (std::size_t i = 0; i < writes.size() && i < limit; ++i)
    s += (i ? "; " : "") + detail::describe_write(obs, options, *writes[i]);
  if (writes.size() > limit) s += "; and " + std::to_string(writes.size() - limit) + " more";
  return s;
}

}  // namespace

std::string quote_bytes(const Bytes& bytes) {
  static const char digits[] = "0123456789abcdef";
  constexpr std::size_t kShown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size() && i < kShown; ++i) {
    const std::uint8_t b = bytes[i];
    if (b == '\\') {
      out += "\\\\";
    } else if (b >= 0x20 && b < 0x7f) {
      out += static_cast<char>(b);
    } else {
      out += "\\x";
      out += digits[b >> 4];
      out += digits[b & 15];
    }
  }
  out += "\"";
  if (bytes.size() > kShown) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

namespace detail {

bool precedes(const SyscallRecord& a, const SyscallRecord& b) {
  if (a.thread == b.thread && a.thread != sim::kNoThread) return a.op_index < b.op_index;
  return a.completed && a.end_step < b.begin_step;
}

std::vector<FileWrite> writes_of(const Observation& obs, const Config* config) {
  std::vector<FileWrite> out;
  for (std::size_t i = 0; i < obs.calls.size(); ++i) {
    const SyscallRecord& c = obs.calls[i];
    if (is_write(c.kind)) {
      // A completed write wrote its first `result` bytes (none when it
      // failed); one still in flight has copied what `data` holds so far.
      std::size_t n = c.data.size();
      if (c.completed) n = c.result > 0 ? std::min<std::size_t>(n, static_cast<std::size_t>(c.result)) : 0;
      if (n == 0) continue;
      // Its runs: from file_offset, and from each relocation on (an O_APPEND
      // writev on 2.4 whose next iovec found the end of the file moved).
      std::size_t from = 0;
      std::uint64_t at = c.file_offset;
      for (std::size_t r = 0; r <= c.relocations.size(); ++r) {
        const std::size_t to = std::min(n, r < c.relocations.size() ? c.relocations[r].first : n);
        if (to > from) {
          FileWrite w;
          w.call = i;
          w.offset = at;
          w.data.assign(c.data.begin() + static_cast<std::ptrdiff_t>(from), c.data.begin() + static_cast<std::ptrdiff_t>(to));
          out.push_back(std::move(w));
        }
        if (r < c.relocations.size()) {
          from = std::max(from, to);
          at = c.relocations[r].second;
        }
      }
    } else if (c.kind == Operation::Kind::ftruncate) {
      // One that failed counts for nothing; one in flight may have happened.
      if (c.completed && c.result != 0) continue;
      FileWrite w;
      w.call = i;
      w.offset = c.file_offset;  // the length (SyscallRecord)
      w.extends = false;
      w.truncates = true;
      out.push_back(std::move(w));
    } else if (c.kind == Operation::Kind::touch) {
      const Operation* op = op_of(config, c);
      if (op == nullptr || !op->store || op->iov.empty() || (c.completed && c.result < 0)) continue;
      const Region* r = region_at(*config, op->iov[0].address);
      if (r == nullptr || r->kind != Region::Kind::shared_file) continue;
      FileWrite w;
      w.call = i;
      w.offset = r->file_offset + (op->iov[0].address - r->start);
      w.data = {op->value};
      w.extends = false;
      out.push_back(std::move(w));
    } else if (is_read(c.kind) && c.result > 0) {
      // A read into a shared_file mapping stores what it returns into the
      // file's pages: one non-extending write per run of contiguous file bytes.
      const Operation* op = op_of(config, c);
      if (op == nullptr || op->iov.empty()) continue;
      const std::size_t n = std::min<std::size_t>(c.data.size(), static_cast<std::size_t>(c.result));
      FileWrite w;
      auto flush = [&] {
        if (!w.data.empty()) out.push_back(std::move(w));
        w = FileWrite();
      };
      for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t address = op->iov[0].address + k;
        const Region* r = region_at(*config, address);
        if (r == nullptr || r->kind != Region::Kind::shared_file) {
          flush();
          continue;
        }
        const std::uint64_t at = r->file_offset + (address - r->start);
        if (!w.data.empty() && w.offset + w.data.size() != at) flush();
        if (w.data.empty()) {
          w.call = i;
          w.offset = at;
          w.extends = false;
        }
        w.data.push_back(c.data[k]);
      }
      flush();
    }
  }
  return out;
}

Explained explain(const Observation& obs, const Bytes& initial, const std::vector<FileWrite>& writes,
                  const Window& window, std::size_t max_states) {
  return Search(obs, initial, writes, window, max_states).run();
}

std::string describe_write(const Observation& obs, const CheckOptions& options, const FileWrite& w) {
  const SyscallRecord& c = obs.calls[w.call];
  std::string s = w.truncates ? std::string(kind_name(c.kind)) + " to " + std::to_string(w.offset) +
                                    (w.offset == 1 ? " byte by " : " bytes by ") + thread_label(options, c.thread)
                              : std::string(kind_name(c.kind)) +
                                    (is_read(c.kind) ? " into a shared mapping, storing " : " of ") +
                                    std::to_string(w.data.size()) + (w.data.size() == 1 ? " byte " : " bytes ") +
                                    quote_bytes(w.data) + " at offset " + std::to_string(w.offset) + " by " +
                                    thread_label(options, c.thread);
  if (c.completed) {
    s += " (steps " + std::to_string(c.begin_step) + "-" + std::to_string(c.end_step);
    if (is_write(c.kind) && c.result >= 0 && static_cast<std::uint64_t>(c.result) < c.requested)
      s += ", short: " + std::to_string(c.result) + " of " + std::to_string(c.requested);
    s += ")";
  } else {
    s += " (from step " + std::to_string(c.begin_step) + ", not returned)";
  }
  return s;
}

std::string failed_writes(const Observation& obs, const CheckOptions& options,
                          const std::function<bool(const SyscallRecord&)>& keep) {
  std::string out;
  std::size_t shown = 0, more = 0;
  for (const SyscallRecord& c : obs.calls) {
    if (!is_write(c.kind) || !c.completed || c.result > 0 || !keep(c)) continue;
    if (shown == 4) {
      ++more;
      continue;
    }
    out += std::string(shown++ ? "; " : "") + kind_name(c.kind) + " of " + std::to_string(c.requested) +
           " bytes at offset " + std::to_string(c.file_offset) + " by " + thread_label(options, c.thread) +
           " (steps " + std::to_string(c.begin_step) + "-" + std::to_string(c.end_step) + ") returned " +
           result_text(c.result);
  }
  if (more) out += "; and " + std::to_string(more) + " more";
  return out;
}

}  // namespace detail

std::optional<sim::Verdict> check_torn_read(const Observation& obs, const CheckOptions& options) {
  const std::vector<detail::FileWrite> all = detail::writes_of(obs, options.config);
  for (std::size_t r = 0; r < obs.calls.size(); ++r) {
    const SyscallRecord& read = obs.calls[r];
    if (!is_read(read.kind) || !read.completed || read.result < 0 || read.requested == 0) continue;

    // The writes this read may see: all but those that began after it returned.
    std::vector<detail::FileWrite> writes;
    std::vector<const detail::FileWrite*> before, in_flight;
    for (const detail::FileWrite& w : all) {
      const SyscallRecord& c = obs.calls[w.call];
      if (detail::precedes(read, c)) continue;
      writes.push_back(w);
      writes.back().mandatory = detail::precedes(c, read);
    }
    for (const detail::FileWrite& w : writes) (w.mandatory ? before : in_flight).push_back(&w);

    const auto count = static_cast<std::uint64_t>(read.result);
    Bytes seen(read.data.begin(),
               read.data.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(read.data.size(), count)));
    detail::Window window;
    window.offset = read.file_offset;
    window.seen = &seen;
    if (count > read.requested) {
      window.size_min = 1;  // more than asked: nothing explains it
      window.size_max = 0;
    } else if (count == read.requested || may_be_short(options.config, read)) {
      window.size_min = read.file_offset + count;  // the file reaches at least this far
    } else if (count > 0) {
      window.size_min = window.size_max = read.file_offset + count;  // stopped at EOF
    } else {
      window.size_max = read.file_offset;  // at or past EOF
    }
    if (seen.size() != count) {  // the record lacks bytes it reports: nothing explains it
      window.size_min = 1;
      window.size_max = 0;
    }
    if (detail::explain(obs, obs.initial_content, writes, window, options.max_states) !=
        detail::Explained::no)
      continue;

    // Explain the failure: what the read saw against the two ends of the
    // admissible range (none of the writes in flight, all of them).
    auto expected = [&](const std::vector<const detail::FileWrite*>& set) {
      const Bytes content = detail::apply_writes(obs.initial_content, detail::in_real_time_order(obs, set));
      const std::uint64_t avail =
          content.size() > read.file_offset ? content.size() - read.file_offset : 0;
      return slice_text(content, read.file_offset, std::min<std::uint64_t>(avail, read.requested));
    };
    std::vector<const detail::FileWrite*> both = before;
    both.insert(both.end(), in_flight.begin(), in_flight.end());
    const std::string none_text = expected(before);
    const std::string all_text = expected(both);

    std::string msg = std::string(kind_name(read.kind)) + " of " + std::to_string(read.requested) +
                      " bytes at offset " + std::to_string(read.file_offset) + " by " +
                      detail::thread_label(options, read.thread) + " (steps " +
                      std::to_string(read.begin_step) + "-" + std::to_string(read.end_step) +
                      ") returned " + slice_text(seen, 0, seen.size()) +
                      ", which no set of whole writes explains; expected " + none_text;
    if (in_flight.empty() || none_text == all_text) {
      msg += before.empty() ? " (the file as it was)" : " (after the writes that completed before it began)";
    } else {
      msg += " (without the writes in flight) or " + all_text + " (with all of them)" +
             (in_flight.size() > 1 ? ", or a mix of whole writes" : "");
    }
    if (!in_flight.empty()) msg += "; in flight: " + list_writes(obs, options, in_flight);
    if (!before.empty()) msg += "; completed before it began: " + list_writes(obs, options, before);
    const std::string failed = detail::failed_writes(obs, options, [&](const SyscallRecord& c) {
      return !detail::precedes(read, c) && c.file_offset < read.file_offset + read.requested &&
             read.file_offset < c.file_offset + c.requested;
    });
    if (!failed.empty()) msg += "; failed, so counted as no write: " + failed;

    sim::Verdict v;
    v.kind = sim::Verdict::Kind::violation;
    v.invariant = "torn-read";
    v.message = std::move(msg);
    v.thread = read.thread;
    v.step = read.end_step;
    return v;
  }
  return std::nullopt;
}

}  // namespace checker::invariants
