// Reading a scenario's "conditions" (docs/scenario-format.md, "conditions"):
// each {"name", and one of "forall" / "exists" / "never": EXPR}, where EXPR is
// a string in the small language of checker/invariants/conditions.hpp:
//
//   expr       := and ( "||" and )*
//   and        := unary ( "&&" unary )*
//   unary      := "!" unary | "(" expr ")" | term op term
//   op         := "==" | "!=" | "<" | "<=" | ">" | ">="
//   term       := integer | bytes | "file" | "size" | thread "." K "." ( "ret" | "data" )
//   thread     := a thread's name (letters, digits, "_", "-"; not starting
//                 with a digit or "-") or its index from 0
//   bytes      := "..." or '...', in the byte notation of scenario files
//
// so `!` negates the comparison or parenthesized expression after it
// (`!a.0.ret == 4` is `!(a.0.ret == 4)`), `&&` binds tighter than `||`, and
// a comparison compares two terms (never two comparisons).
// Errors are InputErrors at the expression's JSON path, starting with the
// column (from 1) where it goes wrong.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/invariants/conditions.hpp"
#include "models/pagecache/config.hpp"

namespace checker {

// The most conditions a scenario may state, the longest expression, and how
// deep parentheses and "!" may nest (the parser recurses once per level).
inline constexpr std::size_t kMaxConditions = 32;
inline constexpr std::size_t kMaxConditionChars = 4096;
inline constexpr std::size_t kMaxConditionDepth = 64;

// Parses one expression; `config` names the threads and their operations.
// Throws InputError at `path`: "column 12: found "&", expected ...".
std::shared_ptr<const invariants::ConditionExpr> parse_condition_expr(
    std::string_view text, const std::string& path, const models::pagecache::Config& config);

// The document's "conditions" (none when the key is absent). Throws InputError.
std::vector<invariants::Condition> read_conditions(const nlohmann::json& doc,
                                                   const models::pagecache::Config& config);

}  // namespace checker
