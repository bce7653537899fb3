#include "checker/strategies/stateful.hpp"

#include <cstdio>

#include "sim/digest.hpp"
#include "sim/execution.hpp"

namespace checker {

StateStore::Result StateStore::insert(std::uint64_t key) {
  if (key == 0) key = 1;
  if (table_.empty()) table_.assign(1024, 0);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = key & mask;; i = (i + 1) & mask) {
    if (table_[i] == key) return Result::seen;
    if (table_[i] != 0) continue;
    if (size_ >= max_) return Result::full;
    table_[i] = key;
    if (++size_ * 2 > table_.size()) grow();
    return Result::added;
  }
}

void StateStore::grow() {
  std::vector<std::uint64_t> old(table_.size() * 2, 0);
  old.swap(table_);
  const std::size_t mask = table_.size() - 1;
  for (std::uint64_t k : old) {
    if (k == 0) continue;
    std::size_t i = k & mask;
    while (table_[i] != 0) i = (i + 1) & mask;
    table_[i] = k;
  }
}

void StatefulStrategy::begin_execution() {
  dfs_.begin_execution();
  prefix_ = dfs_.path().size();
  decisions_ = 0;
  matched_now_ = false;
  obs_.clear();
  step_thread_ = sim::kNoThread;
}

std::uint64_t StatefulStrategy::state_key(const sim::Execution& ex) const {
  sim::Hasher h;
  const std::size_t n = ex.object_count();
  for (sim::ObjectId o = 0; o < n; ++o) h.add(ex.object_digest(o));
  h.add(ex.global_digest());
  for (sim::ThreadId t = 0; t < ex.thread_count(); ++t) h.add(ex.finished(t)).add(obs_[t]);
  return h.value();
}

void StatefulStrategy::observe(sim::ThreadId t, const sim::Execution& ex) {
  const sim::Op& op = ex.pending(t);
  sim::Hasher h(obs_[t]);
  h.add(reinterpret_cast<std::uintptr_t>(op.label));
  if (op.touches_all) {
    const std::size_t n = ex.object_count();
    for (sim::ObjectId o = 0; o < n; ++o) h.add(ex.object_digest(o));
    h.add(ex.global_digest());
  } else {
    step_thread_ = t;
    snap_count_ = op.touch_count;
    for (std::uint8_t i = 0; i < op.touch_count; ++i)
      snap_[i] = {op.touches[i].object, ex.object_digest(op.touches[i].object)};
  }
  obs_[t] = h.value();
}

void StatefulStrategy::fold_step(const sim::Execution& ex) {
  if (step_thread_ == sim::kNoThread) return;
  const sim::Op& done = ex.last_step();
  sim::Hasher h(obs_[step_thread_]);
  for (std::uint8_t i = 0; i < snap_count_; ++i) {
    bool used = done.touches_all;
    for (std::uint8_t j = 0; j < done.touch_count && !used; ++j) used = done.touches[j].object == snap_[i].first;
    if (used) h.add(snap_[i].first).add(snap_[i].second);
  }
  obs_[step_thread_] = h.value();
  step_thread_ = sim::kNoThread;
}

sim::ThreadId StatefulStrategy::pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution& ex) {
  if (obs_.empty()) {
    digestible_ = digestible_ && ex.digestible();
    obs_.assign(ex.thread_count(), 0);
  }
  if (digestible_) fold_step(ex);
  // Only past the replayed prefix: the prefix's states were stored when the
  // execution that first reached them passed them.
  if (digestible_ && decisions_ >= prefix_) {
    switch (store_.insert(state_key(ex))) {
      case StateStore::Result::seen:
        ++matched_;
        matched_now_ = true;
        return sim::kAbort;
      case StateStore::Result::full: ++not_stored_; break;
      case StateStore::Result::added: break;
    }
  }
  const sim::ThreadId t = dfs_.pick_thread(enabled, ex);
  if (t == sim::kAbort) return t;
  if (enabled.size() > 1) ++decisions_;  // DfsStrategy records a branch point only then
  if (digestible_) observe(t, ex);
  return t;
}

std::uint32_t StatefulStrategy::pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) {
  const std::uint32_t v = dfs_.pick_value(n, label, ex);
  if (v == sim::kAbort) return v;
  ++decisions_;
  const sim::ThreadId t = ex.current();
  if (digestible_ && t < obs_.size()) obs_[t] = sim::Hasher(obs_[t]).add(0xfa017).add(v).value();
  return v;
}

bool StatefulStrategy::end_execution(const sim::Execution& ex) { return dfs_.end_execution(ex); }

std::string StatefulStrategy::abort_reason() const {
  return matched_now_ ? "stateful: a state explored before" : dfs_.abort_reason();
}

double StatefulStrategy::collision_probability() const {
  const double n = double(store_.size());
  return n * n / 36893488147419103232.0;  // 2^65
}

std::string StatefulStrategy::summary() const {
  if (!digestible_) return "stateful: the program gives no digest of its state, so no state was stored (plain dfs)";
  char p[32];
  std::snprintf(p, sizeof p, "%.1e", collision_probability());
  std::string s = "stateful, one worker: " + std::to_string(store_.size()) + " states stored (" +
                  std::to_string(store_.bytes() >> 10) + " KiB), " + std::to_string(matched_) +
                  " executions cut at a state explored before; probability of a missed state (hash collision) <= " +
                  p;
  if (not_stored_ > 0)
    s += "; the store was full (max_states " + std::to_string(store_.max()) + "): " + std::to_string(not_stored_) +
         " states visited but not stored (more work, nothing missed)";
  return s;
}

}  // namespace checker
