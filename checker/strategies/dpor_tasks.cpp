// DPOR's search handed out and taken back: the subtrees of a fault choice
// given to other workers (set_task, donate, apply; the split itself is in
// checker/search/) and the search's state in a checkpoint (snapshot,
// restore). dpor.hpp says why each is exact.
#include "checker/strategies/dpor.hpp"

#include <stdexcept>

namespace checker {

void DporStrategy::set_task(Task task) {
  nodes_ = std::move(task.nodes);
  values_ = std::move(task.values);
  decisions_ = std::move(task.decisions);
  root_decisions_ = static_cast<std::uint32_t>(decisions_.size());
  root_nodes_ = values_.empty() ? 0 : values_.back().step;
  // The step that made the root's choice is re-added with its races: under
  // this task's value it may have done other things (commit_step).
  fresh_from_ = root_nodes_ > 0 ? root_nodes_ - 1 : 0;
  nthreads_ = 0;  // the happens-before state is rebuilt by the first execution
  events_.clear();
  clocks_.clear();
  given_.clear();
  additions_.clear();
  added_.clear();
  done_ = false;
}

DporStrategy::Snapshot DporStrategy::snapshot() const {
  return Snapshot{nodes_, values_, decisions_, fresh_from_, complete_, blocked_, reversals_, done_};
}

void DporStrategy::restore(Snapshot s) {
  // The decisions are the path: every node and value point once, in order.
  std::size_t nodes = 0, values = 0;
  for (const Decision& d : s.decisions) {
    if (d.is_value ? d.index != values++ : d.index != nodes++)
      throw std::invalid_argument("the decisions do not list the schedule points and fault choices in order");
  }
  if (nodes != s.nodes.size() || values != s.values.size())
    throw std::invalid_argument("the decisions do not cover every schedule point and fault choice");
  for (const ValuePoint& v : s.values)
    if (v.count < 2 || v.tried >= v.count || v.limit > v.count || v.tried >= v.limit || v.step > s.nodes.size())
      throw std::invalid_argument("a fault choice's values are out of range");
  for (const Node& n : s.nodes)
    if (n.chosen >= kMaxThreads || !(n.enabled & bit(n.chosen)))
      throw std::invalid_argument("a schedule point chose a thread that was not enabled");
  if (s.fresh_from > s.nodes.size())
    throw std::invalid_argument("fresh_from lies beyond the schedule points");
  nodes_ = std::move(s.nodes);
  values_ = std::move(s.values);
  decisions_ = std::move(s.decisions);
  fresh_from_ = s.fresh_from;
  complete_ = s.complete;
  blocked_ = s.blocked;
  reversals_ = s.reversals;
  done_ = s.done;
  root_nodes_ = root_decisions_ = 0;
  nthreads_ = 0;  // the happens-before state is rebuilt by the first execution
  events_.clear();
  clocks_.clear();
  given_.clear();
  additions_.clear();
  added_.clear();
}

bool DporStrategy::donate(std::vector<Task>& out, std::uint64_t token) {
  for (std::size_t k = root_decisions_; k < decisions_.size(); ++k) {
    if (!decisions_[k].is_value) continue;
    ValuePoint& vp = values_[decisions_[k].index];
    if (vp.tried + 1 >= vp.limit) continue;
    for (std::uint32_t v = vp.tried + 1; v < vp.limit; ++v) {
      Task t;
      t.nodes.assign(nodes_.begin(), nodes_.begin() + vp.step);
      t.values.assign(values_.begin(), values_.begin() + decisions_[k].index + 1);
      for (ValuePoint& p : t.values) p.limit = p.tried + 1;
      t.values.back().tried = v;
      t.values.back().limit = v + 1;
      t.decisions.assign(decisions_.begin(), decisions_.begin() + static_cast<std::ptrdiff_t>(k) + 1);
      out.push_back(std::move(t));
    }
    vp.limit = vp.tried + 1;
    given_.push_back({static_cast<std::uint32_t>(k), token});
    return true;
  }
  return false;
}

void DporStrategy::apply(const std::vector<Addition>& additions) {
  for (const Addition& a : additions) {
    if (a.node < root_nodes_) {  // above this search too: for its giver
      if (added_.insert(a).second) additions_.push_back(a);
      continue;
    }
    Node& nd = nodes_[a.node];
    if (a.initials & (nd.backtrack | nd.sleep)) continue;
    nd.backtrack |= a.runnable & (~a.runnable + 1);
    ++reversals_;
  }
}

}  // namespace checker
