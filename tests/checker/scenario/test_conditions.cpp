// "conditions": the expression parser (precedence, terms, types, errors with
// their columns), the keys around it, and evaluation over what an execution
// observed.
#include <doctest/doctest.h>

#include <string>

#include "checker/invariants/conditions.hpp"
#include "checker/io/input_error.hpp"
#include "checker/scenario/conditions_parse.hpp"
#include "checker/scenario/load.hpp"

using namespace checker;
using invariants::ConditionInput;
using nlohmann::json;

namespace {

// Two threads: "writer" (two operations) and "reader" (one).
json base_doc() {
  return json::parse(R"({
    "model": "linux-2.4.0", "filesystem": "ext2",
    "geometry": {"page_size": 4, "block_size": 2, "pages": 1},
    "file": {"content": "AAAA"},
    "memory": [{"name": "src", "kind": "anonymous", "content": "BBBB"},
               {"name": "dst", "kind": "anonymous", "length": 4}],
    "threads": [
      {"name": "writer", "ops": [{"op": "pwrite", "buf": "src", "offset": 0}, {"op": "fsync"}]},
      {"name": "reader", "ops": [{"op": "pread", "buf": "dst", "offset": 0}]}
    ]
  })");
}

const models::pagecache::Config& config() {
  static const Scenario s = parse_scenario(base_doc(), "s.json");
  return *s.pagecache;
}

// An execution as a condition reads it: writer.0 returned `w` with `wdata`,
// writer.1 returned 0, reader.0 returned `r` with `rdata`; the file at the end.
ConditionInput input(std::int64_t w, std::string wdata, std::int64_t r, std::string rdata, std::string file) {
  auto bytes = [](const std::string& s) { return models::pagecache::Bytes(s.begin(), s.end()); };
  ConditionInput in;
  in.calls = {{{true, w, bytes(wdata)}, {true, 0, {}}}, {{true, r, bytes(rdata)}}};
  in.file = bytes(file);
  in.final_read_done = true;
  return in;
}

bool holds(const std::string& expr, const ConditionInput& in) {
  return invariants::evaluate(*parse_condition_expr(expr, "/conditions/0/forall", config()), in);
}

// "path|message|hint" of the error that parsing `expr` gives.
std::string expr_error(const std::string& expr) {
  try {
    parse_condition_expr(expr, "/conditions/0/forall", config());
  } catch (const InputError& e) {
    return e.path() + "|" + e.what() + "|" + e.hint();
  }
  return "no error";
}

// The error of the whole document with `conditions` set (and `expect`, when given).
std::string doc_error(const json& conditions, const json& expect = nullptr) {
  json doc = base_doc();
  doc["conditions"] = conditions;
  if (!expect.is_null()) doc["expect"] = expect;
  try {
    parse_scenario(doc, "s.json");
  } catch (const InputError& e) {
    return e.path() + "|" + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("conditions: terms read what the execution observed") {
  const ConditionInput in = input(4, "BBBB", 4, "BBAA", "BBBB");
  CHECK(holds("writer.0.ret == 4", in));
  CHECK(holds("0.0.ret == 4", in));  // a thread by its index
  CHECK(holds("writer.1.ret == 0", in));
  CHECK(holds("reader.0.data == \"BBAA\"", in));
  CHECK(holds("reader.0.data == 'BBAA'", in));
  CHECK(holds("reader.0.data != writer.0.data", in));
  CHECK(holds("file == \"BBBB\" && size == 4", in));
  CHECK(holds("file == '\\x42\\x42BB'", in));  // the byte notation of scenario files
  CHECK(holds("size > 3 && size >= 4 && size < 5 && size <= 4 && size != 0", in));
  CHECK_FALSE(holds("size > 4", in));
  CHECK(holds("-14 < writer.0.ret", in));
  CHECK(holds("reader.0.data == ''", input(4, "BBBB", 0, "", "BBBB")));
}

TEST_CASE("conditions: ! binds to one comparison, && before ||") {
  const ConditionInput in = input(4, "BBBB", 4, "BBAA", "BBBB");
  // true || (false && false): true; (true || false) && false would be false.
  CHECK(holds("size == 4 || size == 0 && size == 1", in));
  // (false && false) || true
  CHECK(holds("size == 0 && size == 1 || size == 4", in));
  CHECK_FALSE(holds("(size == 4 || size == 0) && size == 1", in));
  // ! negates the comparison after it only: (!false) && true.
  CHECK(holds("!size == 0 && size == 4", in));
  CHECK_FALSE(holds("!(size == 0 || size == 4)", in));
  CHECK(holds("!!(size == 4)", in));
  CHECK(holds("  ( ( size==4 ) )  ", in));
}

TEST_CASE("conditions: a call that did not complete makes its comparison false") {
  ConditionInput in = input(4, "BBBB", 4, "BBAA", "BBBB");
  in.calls[1][0].completed = false;
  CHECK_FALSE(holds("reader.0.ret == 4", in));
  CHECK_FALSE(holds("reader.0.ret != 4", in));
  CHECK(holds("!(reader.0.ret == 4)", in));
}

TEST_CASE("conditions: parse errors name the column") {
  const std::string at = "/conditions/0/forall|";
  CHECK(expr_error("") == at + "column 1: found an empty expression, expected a condition such as writer.0.ret == 4|");
  CHECK(expr_error("size = 4") ==
        at + "column 6: found \"=\" after \"size\", expected a comparison: \"==\", \"!=\", \"<\", \"<=\", \">\" or \">=\"|"
             "compare with \"==\"");
  CHECK(expr_error("size == 4 & size == 4") == at + "column 11: found \"&\", expected \"&&\", \"||\" or the end|");
  CHECK(expr_error("(size == 4") == at + "column 11: found the end, expected \")\" to close the \"(\" at column 1|");
  CHECK(expr_error("writr.0.ret == 4") ==
        at + "column 1: found \"writr\", expected a thread: one of \"writer\", \"reader\" or an index|did you mean \"writer\"?");
  CHECK(expr_error("size == 2.0.ret") == at + "column 9: found thread index 2, expected one from 0 to 1|");
  CHECK(expr_error("reader.1.ret == 0") ==
        at + "column 8: found \"1\" after \"reader.\", expected an operation index from 0 to 0 (thread \"reader\" has 1 operation)|");
  CHECK(expr_error("reader.0.size == 0") ==
        at + "column 10: found \"size\", expected \"ret\" (what the call returned) or \"data\" (its bytes)|");
  CHECK(expr_error("reader.0.data == 4") ==
        at + "column 18: found \"4\" (an integer) compared with \"reader.0.data\" (bytes), expected two integers or two byte strings|"
             "ret and size are integers; data, file and quoted strings are bytes");
  CHECK(expr_error("file < 'AB'") ==
        at + "column 6: found \"<\" between byte strings (at column 1), expected \"==\" or \"!=\"|bytes compare only for equality");
  CHECK(expr_error("file == 'AB") ==
        at + "column 9: found a byte string with no closing ', expected one|write the byte ' inside it as \\x27");
  CHECK(expr_error("size == 99999999999999999999") ==
        at + "column 9: found \"99999999999999999999\", expected an integer from -2^63 to 2^63-1|");
  CHECK(expr_error("size") ==
        at + "column 5: found the end after \"size\", expected a comparison: \"==\", \"!=\", \"<\", \"<=\", \">\" or \">=\"|"
             "a term alone is not a condition; compare it");
  CHECK(expr_error("size == 4 == 4").find("column 11: found \"=\", expected \"&&\", \"||\" or the end") != std::string::npos);
  CHECK(expr_error("size == 4 ) ") == at + "column 11: found \")\", expected \"&&\", \"||\" or the end|");
  CHECK(expr_error("bogus == 4").find("column 1: found \"bogus\", expected a term") != std::string::npos);
  CHECK(expr_error("file == 'A\\q'").find("column 9: in the byte string 'A\\q': ") != std::string::npos);
  CHECK(expr_error(std::string(100, '(') + "size == 1" + std::string(100, ')'))
            .find("nested more than 64 deep") != std::string::npos);
  CHECK(expr_error(std::string(5000, ' ')).find("found an expression of 5000 characters, expected at most 4096") !=
        std::string::npos);
}

TEST_CASE("conditions: the keys around the expression") {
  CHECK(doc_error(json::array()) == "/conditions|found 0 entries, expected from 1 to 32 entries");
  CHECK(doc_error(json::parse(R"([{"forall": "size == 4"}])")) == "/conditions/0/name|found nothing, expected the condition's name (a string)");
  CHECK(doc_error(json::parse(R"([{"name": "a b", "forall": "size == 4"}])")).find("/conditions/0/name|found \"a b\"") == 0);
  CHECK(doc_error(json::parse(R"([{"name": "a"}])")) ==
        "/conditions/0/forall|found nothing, expected one of \"forall\", \"exists\", \"never\": an expression (a string)");
  CHECK(doc_error(json::parse(R"([{"name": "a", "forall": "size == 4", "never": "size == 0"}])"))
            .find("/conditions/0/never|found \"size == 0\", expected one of \"forall\", \"exists\", \"never\" per condition") == 0);
  CHECK(doc_error(json::parse(R"([{"name": "a", "forall": "size == 4"}, {"name": "a", "exists": "size == 4"}])")) ==
        "/conditions/1/name|found \"a\", expected a name no other condition has");
  CHECK(doc_error(json::parse(R"([{"name": "a", "exists": 4}])")).find("/conditions/0/exists|found 4, expected an expression") == 0);
  CHECK(doc_error(json::parse(R"([{"name": "a", "exsts": "size == 4"}])")) ==
        "/conditions/0/exsts|found an unknown key \"exsts\" in a condition, expected one of \"name\", \"forall\", \"exists\", \"never\"");
  CHECK(doc_error(json::parse(R"([{"name": "a", "never": "size == 4 ||"}])")) ==
        "/conditions/0/never|column 13: found the end, expected a term: a number, a byte string, file, size or THREAD.K.ret");
  // An expectation names a condition that is there.
  CHECK(doc_error(json::parse(R"([{"name": "a", "never": "size == 9"}])"),
                  json::parse(R"({"verdict": "violation", "invariant": "condition:a"})")) == "no error");
  CHECK(doc_error(json::parse(R"([{"name": "a", "never": "size == 9"}])"),
                  json::parse(R"({"verdict": "violation", "invariant": "condition:b"})")) ==
        "/expect/invariant|found \"condition:b\", expected a condition's invariant: only \"condition:a\"");
  // Example models observe no system calls.
  try {
    parse_scenario(json::parse(R"({"model": "example:abba", "conditions": [{"name": "a", "forall": "size == 0"}]})"), "s.json");
    FAIL("an example model took conditions");
  } catch (const InputError& e) {
    CHECK(e.path() == "/conditions");
    CHECK(std::string(e.what()).find("no conditions with an example model") != std::string::npos);
  }
}

TEST_CASE("conditions: a scenario keeps its conditions, in order, with their paths") {
  json doc = base_doc();
  doc["conditions"] = json::parse(R"([{"name": "w", "forall": "writer.0.ret == 4"},
                                      {"name": "e", "exists": "reader.0.data == 'AAAA'"},
                                      {"name": "n", "never": "size == 0"}])");
  const Scenario s = parse_scenario(doc, "s.json");
  REQUIRE(s.conditions.size() == 3);
  CHECK(s.conditions[0].quantifier == invariants::Condition::Quantifier::forall);
  CHECK(s.conditions[1].quantifier == invariants::Condition::Quantifier::exists);
  CHECK(s.conditions[2].quantifier == invariants::Condition::Quantifier::never);
  CHECK(s.conditions[1].path == "/conditions/1/exists");
  CHECK(s.conditions[1].text == "reader.0.data == 'AAAA'");
  CHECK(names_condition(s, "condition:n"));
  CHECK_FALSE(names_condition(s, "condition:x"));
  // The same conditions on another variant (check and matrix read the file again).
  CHECK(for_variant(s, "linux-6-xfs").conditions.size() == 3);
}
