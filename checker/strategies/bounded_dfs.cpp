#include "checker/strategies/bounded_dfs.hpp"

#include "sim/execution.hpp"

namespace checker {

namespace {
template <class B>
void fix_to_root(B& b, std::uint32_t alt) {
  b.tried = alt < b.count ? alt : b.count - 1;
  b.limit = b.tried + 1;
}
std::string nondeterminism(const sim::Execution& ex, const std::string& what) {
  return "nondeterminism in the model: at step " + std::to_string(ex.steps()) + " " + what +
         ", unlike an earlier execution with the same decisions";
}
}  // namespace

void BoundedDfs::begin_execution() {
  pos_ = 0;
  fresh_ = false;
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
  path_.push_back({false, n, 0, static_cast<std::uint32_t>(pool_.size()), cost_, n});
  pool_.insert(pool_.end(), scratch_.begin(), scratch_.begin() + n);
  Branch& b = path_[pos_++];
  if (pos_ <= root_.size()) fix_to_root(b, root_[pos_ - 1]);
  const Alt& a = pool_[b.offset + b.tried];
  cost_ = b.cost_before + a.cost;
  return a.thread;
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
  path_.push_back({true, n, 0, static_cast<std::uint32_t>(pool_.size()), cost_, n});
  Branch& b = path_[pos_++];
  if (pos_ <= root_.size()) fix_to_root(b, root_[pos_ - 1]);
  return b.tried;
}

void BoundedDfs::set_iteration(std::uint32_t bound) {
  iterate_ = false;
  bound_ = bound;
  per_bound_.assign(1, 0);
  cut_ = false;
  done_ = false;
  fresh_ = true;
  path_.clear();
  pool_.clear();
}

void BoundedDfs::set_root(std::span<const std::uint32_t> prefix) {
  root_.assign(prefix.begin(), prefix.end());
  path_.clear();
  pool_.clear();
  done_ = false;
  fresh_ = true;
}

void BoundedDfs::remaining(std::vector<Path>& out) const {
  if (fresh_) {
    out.push_back(root_);
    return;
  }
  if (done_ || path_.empty()) return;
  Path prefix;
  for (const Branch& b : path_) prefix.push_back(b.tried);
  out.push_back(prefix);
  for (std::size_t i = path_.size(); i-- > root_.size();) {
    prefix.resize(i);
    for (std::uint32_t alt = path_[i].tried + 1; alt < path_[i].limit; ++alt) {
      prefix.push_back(alt);
      out.push_back(prefix);
      prefix.pop_back();
    }
  }
}

void BoundedDfs::last_path(Path& out) const {
  out.clear();
  for (std::size_t i = 0; i < pos_ && i < path_.size(); ++i) out.push_back(path_[i].tried);
}

bool BoundedDfs::donate(std::vector<Path>& out) {
  for (std::size_t i = root_.size(); i < path_.size(); ++i) {
    Branch& b = path_[i];
    if (b.tried + 1 >= b.limit) continue;
    Path prefix;
    for (std::size_t j = 0; j < i; ++j) prefix.push_back(path_[j].tried);
    for (std::uint32_t alt = b.tried + 1; alt < b.limit; ++alt) {
      prefix.push_back(alt);
      out.push_back(prefix);
      prefix.pop_back();
    }
    b.limit = b.tried + 1;
    return true;
  }
  return false;
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
  while (!path_.empty() && path_.back().tried + 1 >= path_.back().limit) {
    pool_.resize(path_.back().offset);
    path_.pop_back();
  }
  if (!path_.empty()) {
    ++path_.back().tried;
    return true;
  }
  // This iteration is exhausted.
  if (!iterate_) {
    done_ = true;
    return false;
  }
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
  return summary_text(cost_name(), bound_, per_bound_, done_, bounded_out_);
}

std::string BoundedDfs::summary_text(const char* cost_name, std::uint32_t bound,
                                     const std::vector<std::uint64_t>& per_bound, bool done,
                                     bool bounded_out) {
  std::string s = std::string(cost_name) + " bound " + std::to_string(bound);
  if (done && per_bound.size() > 1) {
    s += " (executions per bound:";
    for (std::size_t b = 0; b < per_bound.size(); ++b)
      s += (b ? ", " : " ") + std::to_string(per_bound[b]);
    s += ")";
  }
  if (done)
    s += bounded_out ? ": schedules over the maximum bound were left out"
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
