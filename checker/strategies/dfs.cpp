#include "checker/strategies/dfs.hpp"

#include <algorithm>

#include "sim/execution.hpp"

namespace checker {

namespace {
std::string thread_list(std::span<const sim::ThreadId> ts, const sim::Execution& ex) {
  std::string s;
  for (sim::ThreadId t : ts) {
    if (!s.empty()) s += ", ";
    s += t < ex.thread_count() ? ex.thread_name(t) : "#" + std::to_string(t);
  }
  return "{" + s + "}";
}
// A branch point inside the root prefix: only the alternative the prefix names.
void fix_to_root(DfsStrategy::Branch& b, std::uint32_t alt) {
  b.tried = alt < b.count ? alt : b.count - 1;
  b.limit = b.tried + 1;
}
}  // namespace

void DfsStrategy::begin_execution() {
  pos_ = 0;
  fresh_ = false;
  abort_reason_.clear();
}

sim::ThreadId DfsStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                       const sim::Execution& ex) {
  const auto n = static_cast<std::uint32_t>(enabled.size());
  if (n == 1 || pos_ >= depth_limit_) return enabled[0];
  if (pos_ < path_.size()) {
    const Branch& b = path_[pos_];
    bool same = !b.is_value && b.count == n;
    // A plain loop: the sets are a handful of ids, too few for a memcmp call.
    for (std::uint32_t i = 0; same && i < n; ++i) same = pool_[b.offset + i] == enabled[i];
    if (!same) {
      abort_reason_ = "nondeterminism in the model: at step " + std::to_string(ex.steps()) +
                      " the enabled threads are " + thread_list(enabled, ex) +
                      ", but an earlier execution with the same decisions had " +
                      (b.is_value ? std::string("a fault choice here")
                                  : thread_list(enabled_at(b), ex));
      return sim::kAbort;
    }
    ++pos_;
    return enabled[b.tried];
  }
  path_.push_back({false, n, 0, static_cast<std::uint32_t>(pool_.size()), n});
  pool_.insert(pool_.end(), enabled.begin(), enabled.end());
  if (pos_ < root_.size()) fix_to_root(path_.back(), root_[pos_]);
  return enabled[path_[pos_++].tried];
}

std::uint32_t DfsStrategy::pick_value(std::uint32_t n, const char* label,
                                      const sim::Execution& ex) {
  if (pos_ >= depth_limit_) return 0;
  if (pos_ < path_.size()) {
    const Branch& b = path_[pos_];
    if (!b.is_value || b.count != n) {
      abort_reason_ = "nondeterminism in the model: at step " + std::to_string(ex.steps()) +
                      " the model asks for a fault choice (" + label + ", " + std::to_string(n) +
                      " values), but an earlier execution with the same decisions had " +
                      (b.is_value ? std::to_string(b.count) + " values here"
                                  : std::string("a thread choice here"));
      return sim::kAbort;
    }
    ++pos_;
    return b.tried;
  }
  path_.push_back({true, n, 0, static_cast<std::uint32_t>(pool_.size()), n});
  if (pos_ < root_.size()) fix_to_root(path_.back(), root_[pos_]);
  return path_[pos_++].tried;
}

void DfsStrategy::set_root(std::span<const std::uint32_t> prefix) {
  root_.assign(prefix.begin(), prefix.end());
  path_.clear();
  pool_.clear();
  pos_ = 0;
  done_ = false;
  fresh_ = true;
}

void DfsStrategy::last_path(Path& out) const {
  out.clear();
  for (std::size_t i = 0; i < pos_ && i < path_.size(); ++i) out.push_back(path_[i].tried);
}

bool DfsStrategy::donate(std::vector<Path>& out) {
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

void DfsStrategy::remaining(std::vector<Path>& out) const {
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

double DfsStrategy::estimate() const {
  double done = 0, weight = 1;
  for (std::size_t i = root_.size(); i < path_.size(); ++i) {
    const Branch& b = path_[i];
    done += weight * double(b.tried) / double(b.limit);
    weight /= double(b.limit);
  }
  return done > 0 ? double(executions_) / done : 0;
}

bool DfsStrategy::end_execution(const sim::Execution&) {
  ++executions_;
  // An execution that ended early (a violation, a deadlock) may not have
  // reached every recorded point; the points past it belong to no execution.
  if (pos_ < path_.size()) {
    path_.resize(pos_);
    pool_.resize(path_.empty() ? 0 : path_.back().offset + (path_.back().is_value ? 0 : path_.back().count));
  }
  while (!path_.empty() && path_.back().tried + 1 >= path_.back().limit) {
    pool_.resize(path_.back().offset);
    path_.pop_back();
  }
  if (path_.empty()) {
    done_ = true;
    return false;
  }
  ++path_.back().tried;
  return true;
}

}  // namespace checker
