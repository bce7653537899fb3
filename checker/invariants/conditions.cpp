// Conditions: reading an execution's observation as outcome lines show it,
// evaluating an expression over it, and the forall / never check.
#include "checker/invariants/conditions.hpp"

#include <algorithm>

#include "checker/invariants/torn_read.hpp"

namespace checker::invariants {

using models::pagecache::Bytes;
using models::pagecache::Observation;

const char* to_string(Condition::Quantifier q) {
  switch (q) {
    case Condition::Quantifier::forall: return "forall";
    case Condition::Quantifier::exists: return "exists";
    case Condition::Quantifier::never: return "never";
  }
  return "?";
}

std::string condition_invariant(const std::string& name) { return "condition:" + name; }

bool is_condition_invariant(const std::string& invariant) { return invariant.rfind("condition:", 0) == 0; }

ConditionInput condition_input_of(const Observation& obs) {
  // Exactly the fields PageCacheProgram::outcome prints: per call, whether
  // it completed, its result and its bytes; the file read back through the
  // page cache. (Not its steps: an outcome does not show them, and a
  // reduction keeps outcomes, not step numbers.)
  ConditionInput in;
  for (const models::pagecache::SyscallRecord& c : obs.calls) {
    if (c.thread >= in.calls.size()) in.calls.resize(c.thread + 1);
    auto& ops = in.calls[c.thread];
    if (c.op_index >= ops.size()) ops.resize(c.op_index + 1);
    ops[c.op_index] = {c.completed, c.result, c.completed ? c.data : Bytes{}};
  }
  in.final_read_done = obs.final_read_done;
  if (obs.final_read_done) in.file = obs.final_cached;
  return in;
}

namespace {

struct TermValue {
  bool known = false;
  bool bytes = false;
  std::int64_t integer = 0;
  Bytes data;
};

TermValue term_value(const ConditionTerm& t, const ConditionInput& in) {
  TermValue v;
  v.bytes = t.is_bytes();
  switch (t.kind) {
    case ConditionTerm::Kind::integer: v.known = true, v.integer = t.integer; break;
    case ConditionTerm::Kind::bytes: v.known = true, v.data = t.bytes; break;
    case ConditionTerm::Kind::ret:
    case ConditionTerm::Kind::data:
      if (t.thread < in.calls.size() && t.op < in.calls[t.thread].size() &&
          in.calls[t.thread][t.op].completed) {
        const ConditionInput::Call& c = in.calls[t.thread][t.op];
        v.known = true;
        if (t.kind == ConditionTerm::Kind::ret) v.integer = c.ret;
        else v.data = c.data;
      }
      break;
    case ConditionTerm::Kind::file:
      v.known = in.final_read_done;
      v.data = in.file;
      break;
    case ConditionTerm::Kind::size:
      // The final read returns [0, i_size): its length is the final i_size.
      v.known = in.final_read_done;
      v.integer = static_cast<std::int64_t>(in.file.size());
      break;
  }
  return v;
}

bool compare_terms(ConditionExpr::Kind k, const TermValue& l, const TermValue& r) {
  if (!l.known || !r.known) return false;
  if (l.bytes != r.bytes) return false;  // the parser refuses it; never true
  if (l.bytes) {
    if (k == ConditionExpr::Kind::eq) return l.data == r.data;
    if (k == ConditionExpr::Kind::ne) return l.data != r.data;
    return false;  // the parser refuses ordering bytes
  }
  switch (k) {
    case ConditionExpr::Kind::eq: return l.integer == r.integer;
    case ConditionExpr::Kind::ne: return l.integer != r.integer;
    case ConditionExpr::Kind::lt: return l.integer < r.integer;
    case ConditionExpr::Kind::le: return l.integer <= r.integer;
    case ConditionExpr::Kind::gt: return l.integer > r.integer;
    case ConditionExpr::Kind::ge: return l.integer >= r.integer;
    default: return false;
  }
}

std::string show_term_value(const TermValue& v) {
  if (!v.known) return "(none: the call did not complete)";
  return v.bytes ? quote_bytes(v.data) : std::to_string(v.integer);
}

void collect_condition_terms(const ConditionExpr& e, std::vector<const ConditionTerm*>& out) {
  if (e.a) collect_condition_terms(*e.a, out);
  if (e.b) collect_condition_terms(*e.b, out);
  if (e.a || e.b) return;
  for (const ConditionTerm* t : {&e.left, &e.right}) {
    if (t->kind == ConditionTerm::Kind::integer || t->kind == ConditionTerm::Kind::bytes) continue;
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [t](const ConditionTerm* o) { return o->text == t->text; });
    if (!seen) out.push_back(t);
  }
}

}  // namespace

bool evaluate(const ConditionExpr& e, const ConditionInput& in) {
  switch (e.kind) {
    case ConditionExpr::Kind::or_: return evaluate(*e.a, in) || evaluate(*e.b, in);
    case ConditionExpr::Kind::and_: return evaluate(*e.a, in) && evaluate(*e.b, in);
    case ConditionExpr::Kind::not_: return !evaluate(*e.a, in);
    default: return compare_terms(e.kind, term_value(e.left, in), term_value(e.right, in));
  }
}

std::string describe_terms(const ConditionExpr& e, const ConditionInput& in) {
  std::vector<const ConditionTerm*> terms;
  collect_condition_terms(e, terms);
  std::string out;
  for (const ConditionTerm* t : terms) out += (out.empty() ? "" : ", ") + t->text + " = " + show_term_value(term_value(*t, in));
  return out;
}

std::optional<sim::Verdict> check_conditions(const std::vector<Condition>& conditions,
                                             const Observation& obs) {
  const ConditionInput* in = nullptr;
  ConditionInput input;
  for (const Condition& c : conditions) {
    if (c.quantifier == Condition::Quantifier::exists) continue;  // judged over the whole search
    if (!in) input = condition_input_of(obs), in = &input;
    const bool value = evaluate(*c.expr, *in);
    const bool holds = c.quantifier == Condition::Quantifier::forall ? value : !value;
    if (holds) continue;
    sim::Verdict v;
    v.kind = sim::Verdict::Kind::violation;
    v.invariant = condition_invariant(c.name);
    v.message = std::string("condition \"") + c.name + "\" (" + to_string(c.quantifier) + " " + c.text +
                ") is " + (value ? "true" : "false") + " in this execution";
    const std::string terms = describe_terms(*c.expr, *in);
    if (!terms.empty()) v.message += ": " + terms;
    for (const auto& call : obs.calls)
      v.step = std::max(v.step, call.completed ? call.end_step : call.begin_step);
    return v;
  }
  return std::nullopt;
}

}  // namespace checker::invariants
