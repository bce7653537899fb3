// Conditions in scenarios, herd7-style (docs/scenario-format.md,
// "conditions"): a named boolean expression over what the threads observed,
// with a quantifier. `forall` must hold, and `never` must not, in every
// execution that runs to its end: each is checked here at the end of every
// execution and breaks as the invariant "condition:NAME". `exists` must hold
// in some execution: checker/search/conditions.hpp judges it over the
// search's outcome set.
//
// What a condition reads is exactly what an outcome line prints
// (models/pagecache/program.hpp, PageCacheProgram::outcome): every call's
// result and bytes, and the file read back at the end (its length is the
// final i_size). That is the whole soundness argument for the reductions:
// dpor and stateful are built and tested to reach every outcome that the
// plain dfs reaches (checker/strategies/dpor.hpp: "end-of-run checks and
// outcomes are functions of the trace"; stateful.hpp: the outcome is a
// function of the state it matches), so a condition, a function of the
// outcome, takes in their searches every value it takes in the plain one.
// condition_input_of() reads the Observation through those fields only, and
// a test checks that it equals the outcome line read back
// (outcome_condition_input, checker/search/conditions.hpp).
//
// The expression (the parser is checker/scenario/conditions_parse.hpp) is a
// tree of ||, &&, ! over comparisons of two terms; a term is an integer, a
// byte string, THREAD.K.ret, THREAD.K.data, `file` or `size`. Integers
// compare with all six operators; bytes with == and != only (the parser
// refuses the rest, and bytes against integers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/observation.hpp"
#include "sim/verdict.hpp"

namespace checker::invariants {

struct ConditionTerm {
  enum class Kind { integer, bytes, ret, data, file, size };
  Kind kind = Kind::integer;
  std::int64_t integer = 0;         // integer
  models::pagecache::Bytes bytes;   // bytes
  std::size_t thread = 0, op = 0;   // ret, data: the thread's index, the operation's
  std::string text;                 // as written ("writer.0.ret"), for messages
  bool is_bytes() const { return kind == Kind::bytes || kind == Kind::data || kind == Kind::file; }
};

struct ConditionExpr {
  enum class Kind { or_, and_, not_, eq, ne, lt, le, gt, ge };
  Kind kind = Kind::eq;
  std::unique_ptr<ConditionExpr> a, b;  // or_, and_: both; not_: a
  ConditionTerm left, right;            // the comparisons
};

struct Condition {
  enum class Quantifier { forall, exists, never };
  std::string name;
  Quantifier quantifier = Quantifier::forall;
  std::string text;  // the expression as written
  std::string path;  // its JSON pointer: "/conditions/0/forall"
  std::shared_ptr<const ConditionExpr> expr;
};

// "forall", "exists", "never".
const char* to_string(Condition::Quantifier q);
// "condition:NAME": the invariant a condition breaks.
std::string condition_invariant(const std::string& name);
// Whether an invariant's name is a condition's ("condition:NAME").
bool is_condition_invariant(const std::string& invariant);

// What a condition reads of one execution: the fields an outcome line prints.
struct ConditionInput {
  struct Call {
    bool completed = false;
    std::int64_t ret = 0;
    models::pagecache::Bytes data;
    bool operator==(const Call&) const = default;
  };
  std::vector<std::vector<Call>> calls;  // [thread][op]; a call not begun is missing
  models::pagecache::Bytes file;         // the file read back at the end
  bool final_read_done = false;
  bool operator==(const ConditionInput&) const = default;
};

ConditionInput condition_input_of(const models::pagecache::Observation& obs);

// The expression's value. A term it cannot read (a call that did not
// complete, no final read) makes the comparison that holds it false.
bool evaluate(const ConditionExpr& e, const ConditionInput& in);

// The values of the terms that are not constants, as a message shows them:
// `writer.0.ret = 4, file = "ABCD"` (each term once, in the order written).
std::string describe_terms(const ConditionExpr& e, const ConditionInput& in);

// The first `forall` condition that is false or `never` condition that is
// true in this execution, as a violation of "condition:NAME" with no thread
// (the end of the run) at the last step of any call, as lost-data reports,
// with the condition and its terms' values.
std::optional<sim::Verdict> check_conditions(const std::vector<Condition>& conditions,
                                             const models::pagecache::Observation& obs);

}  // namespace checker::invariants
