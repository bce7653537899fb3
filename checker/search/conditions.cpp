#include "checker/search/conditions.hpp"

#include <charconv>

#include "checker/io/input_error.hpp"
#include "checker/scenario/byte_string.hpp"

namespace checker {

using invariants::Condition;
using invariants::ConditionInput;

namespace {

// Reads the outcome notation left to right; every read returns false when
// the text is not what it expects.
class OutcomeReader {
 public:
  explicit OutcomeReader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool literal(std::string_view t) {
    if (s_.substr(pos_, t.size()) != t) return false;
    pos_ += t.size();
    return true;
  }
  template <class Int>
  bool number(Int& v) {
    const auto r = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
    if (r.ec != std::errc()) return false;
    pos_ = static_cast<std::size_t>(r.ptr - s_.data());
    return true;
  }
  bool bytes(models::pagecache::Bytes& out) {  // "..." as show_bytes writes it (no '"' inside)
    if (!literal("\"")) return false;
    const std::size_t end = s_.find('"', pos_);
    if (end == std::string_view::npos) return false;
    try {
      out = parse_byte_string(s_.substr(pos_, end - pos_), "");
    } catch (const InputError&) {
      return false;
    }
    pos_ = end + 1;
    return true;
  }
  bool name() {  // a system call's name
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= 'a' && s_[pos_] <= 'z') ++pos_;
    return pos_ > start;
  }
  bool at(std::string_view t) const { return s_.substr(pos_, t.size()) == t; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string quoted_name(const Condition& c) { return "\"" + c.name + "\""; }

}  // namespace

std::optional<ConditionInput> outcome_condition_input(std::string_view line) {
  ConditionInput in;
  OutcomeReader r(line);
  bool first = true;
  while (!r.done()) {
    if (!first && !r.literal("; ")) return std::nullopt;
    first = false;
    if (r.literal("final ")) {
      models::pagecache::Bytes after_evict;
      if (!r.bytes(in.file) || !r.literal(" / ") || !r.bytes(after_evict) || !r.done()) return std::nullopt;
      in.final_read_done = true;
      break;
    }
    std::size_t thread = 0, op = 0;
    if (!r.literal("T") || !r.number(thread) || !r.literal(".") || !r.number(op) || !r.literal(" ") || !r.name() ||
        !r.literal("="))
      return std::nullopt;
    ConditionInput::Call call;
    if (!r.literal("?")) {
      if (!r.number(call.ret)) return std::nullopt;
      call.completed = true;
    }
    if (r.at(" \"") && (!r.literal(" ") || !r.bytes(call.data))) return std::nullopt;
    if (thread >= in.calls.size()) in.calls.resize(thread + 1);
    if (op >= in.calls[thread].size()) in.calls[thread].resize(op + 1);
    in.calls[thread][op] = std::move(call);
  }
  return in;
}

bool has_exists_condition(const Scenario& s) {
  for (const Condition& c : s.conditions)
    if (c.quantifier == Condition::Quantifier::exists) return true;
  return false;
}

void judge_exists_conditions(const Scenario& s, ExploreResult& r) {
  using Status = ExploreResult::Status;
  if (r.status != Status::pass && r.status != Status::inconclusive) return;
  std::vector<ConditionInput> inputs;
  bool read = false;
  for (const Condition& c : s.conditions) {
    if (c.quantifier != Condition::Quantifier::exists) continue;
    if (!read) {
      read = true;
      for (const std::string& o : r.outcomes) {
        std::optional<ConditionInput> in = outcome_condition_input(o);
        if (!in) {  // the model printed what it cannot read back: a bug here, not a verdict
          r.status = Status::internal_error;
          r.error = "exists conditions: the outcome line \"" + o + "\" cannot be read back";
          return;
        }
        inputs.push_back(std::move(*in));
      }
    }
    bool found = false;
    for (const ConditionInput& in : inputs)
      if ((found = invariants::evaluate(*c.expr, in))) break;
    if (found) continue;
    const std::string what = "the exists condition " + quoted_name(c) + " (" + c.text + ")";
    if (r.status == Status::pass && !r.outcomes_truncated) {
      sim::Verdict v;
      v.kind = sim::Verdict::Kind::violation;
      v.invariant = invariants::condition_invariant(c.name);
      v.message = what + " is true in no execution: the complete search ran " + std::to_string(r.executions) +
                  (r.executions == 1 ? " execution" : " executions") + " with " + std::to_string(r.outcomes.size()) +
                  (r.outcomes.size() == 1 ? " outcome" : " distinct outcomes") + ", and none makes it true";
      r.status = Status::violation;
      r.failures.push_back(Failure{v, {}, 0, {}});
      return;
    }
    const std::string not_found =
        r.outcomes_truncated
            ? what + " is true in none of the " + std::to_string(r.outcomes.size()) +
                  " outcomes kept (more distinct outcomes than are kept), so it is neither shown nor refuted"
            : what + " was not found true within it";
    r.status = Status::inconclusive;
    r.budget = r.budget.empty() ? not_found : r.budget + "; " + not_found;
  }
}

}  // namespace checker
