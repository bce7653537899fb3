#include "checker/strategies/bounded_dfs.hpp"

#include "sim/execution.hpp"

namespace checker {

namespace {
std::string nondeterminism(const sim::Execution& ex, const std::string& what) {
  return "nondeterminism in the model: at step " + std::to_string(ex.steps()) + " " + what +
         ", unlike an earlier execution with the same decisions";
}
}  // namespace

void BoundedDfs::begin_execution() {
  pos_ = 0;
  cost_ = 0;
  abort_reason_.clear();
}

sim::ThreadId BoundedDfs::pick_thread(std::span<const sim::ThreadId> enabled,
                                      const sim::Execution& ex) {
  scratch_.clear();
  alternatives(enabled, ex, scratch_);
  // Cheapest first: the ones within the bound are a prefix.
  const std::uint32_t left = bound_ - cost_;
  std::uint32_t n = 0;
  while (n < scratch_.size() && scratch_[n].cost <= left) ++n;
  if (n < scratch_.size()) cut_ = true;
  if (n == 1) return scratch_[0].thread;  // forced within the bound: no branch point
  if (pos_ < path_.size()) {
    const Branch& b = path_[pos_];
    bool same = !b.is_value && b.count == n && b.cost_before == cost_;
    for (std::uint32_t i = 0; same && i < n; ++i) same = pool_[b.offset + i].thread == scratch_[i].thread;
    if (!same) {
      abort_reason_ = nondeterminism(ex, "the enabled threads differ");
      return sim::kAbort;
    }
    ++pos_;
    const Alt& a = pool_[b.offset + b.tried];
    cost_ = b.cost_before + a.cost;
    return a.thread;
  }
  path_.push_back({false, n, 0, static_cast<std::uint32_t>(pool_.size()), cost_});
  pool_.insert(pool_.end(), scratch_.begin(), scratch_.begin() + n);
  ++pos_;
  return scratch_[0].thread;  // costs 0
}

std::uint32_t BoundedDfs::pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) {
  if (pos_ < path_.size()) {
    const Branch& b = path_[pos_];
    if (!b.is_value || b.count != n) {
      abort_reason_ = nondeterminism(ex, std::string("the model asks for a fault choice (") + label +
                                             ", " + std::to_string(n) + " values)");
      return sim::kAbort;
    }
    ++pos_;
    return b.tried;
  }
  path_.push_back({true, n, 0, static_cast<std::uint32_t>(pool_.size()), cost_});
  ++pos_;
  return 0;
}

void BoundedDfs::restart_iteration() {
  path_.clear();
  pool_.clear();
  cut_ = false;
  per_bound_.push_back(0);
}

bool BoundedDfs::end_execution(const sim::Execution&) {
  ++per_bound_.back();
  if (pos_ < path_.size()) {  // the execution ended before the recorded points
    path_.resize(pos_);
    pool_.resize(path_.empty() ? 0
                               : path_.back().offset + (path_.back().is_value ? 0 : path_.back().count));
  }
  while (!path_.empty() && path_.back().tried + 1 >= path_.back().count) {
    pool_.resize(path_.back().offset);
    path_.pop_back();
  }
  if (!path_.empty()) {
    ++path_.back().tried;
    return true;
  }
  // This iteration is exhausted.
  if (cut_ && bound_ < max_bound_) {
    ++bound_;
    restart_iteration();
    return true;
  }
  bounded_out_ = cut_;
  done_ = true;
  return false;
}

std::string BoundedDfs::summary() const {
  std::string s = std::string(cost_name()) + " bound " + std::to_string(bound_);
  if (done_ && per_bound_.size() > 1) {
    s += " (executions per bound:";
    for (std::size_t b = 0; b < per_bound_.size(); ++b)
      s += (b ? ", " : " ") + std::to_string(per_bound_[b]);
    s += ")";
  }
  if (done_)
    s += bounded_out_ ? ": schedules over the maximum bound were left out"
                      : ": no schedule needs more";
  return s;
}

double BoundedDfs::estimate() const {
  // The part of this iteration's tree behind the current path, as if every
  // branch point split it evenly; the executions so far over that part.
  double done = 0, weight = 1;
  for (const Branch& b : path_) {
    done += weight * double(b.tried) / double(b.count);
    weight /= double(b.count);
  }
  std::uint64_t before = 0;
  for (std::size_t b = 0; b + 1 < per_bound_.size(); ++b) before += per_bound_[b];
  if (done <= 0) return 0;
  return double(before) + double(per_bound_.back()) / done;
}

}  // namespace checker
