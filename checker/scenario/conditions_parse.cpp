// The conditions parser: recursive descent over the grammar in
// conditions_parse.hpp, one token of lookahead, every error with its column.
#include "checker/scenario/conditions_parse.hpp"

#include <cctype>
#include <charconv>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/scenario/byte_string.hpp"

namespace checker {

namespace jr = json_read;
using invariants::Condition;
using invariants::ConditionExpr;
using invariants::ConditionTerm;

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class ConditionParser {
 public:
  ConditionParser(std::string_view text, const std::string& path, const models::pagecache::Config& config)
      : text_(text), path_(path), config_(config) {}

  std::shared_ptr<const ConditionExpr> parse() {
    skip_space();
    if (pos_ == text_.size()) fail(pos_, "found an empty expression, expected a condition such as writer.0.ret == 4");
    auto e = parse_or(0);
    skip_space();
    if (pos_ != text_.size()) fail(pos_, "found " + shown(pos_) + ", expected \"&&\", \"||\" or the end");
    return e;
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& what, const std::string& hint = {}) const {
    throw InputError(path_, "column " + std::to_string(at + 1) + ": " + what, hint);
  }

  // What is at `at`, for "found ...": the next few characters, or the end.
  std::string shown(std::size_t at) const {
    if (at >= text_.size()) return "the end";
    std::size_t n = 1;
    if (is_name_char(text_[at]))
      while (at + n < text_.size() && is_name_char(text_[at + n]) && n < 24) ++n;
    return jr::quote(text_.substr(at, n));
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  bool at(std::string_view s) {
    skip_space();
    return text_.substr(pos_, s.size()) == s;
  }
  void check_depth(std::size_t depth) const {
    if (depth > kMaxConditionDepth)
      fail(pos_, "found parentheses and \"!\" nested more than " + std::to_string(kMaxConditionDepth) +
                     " deep, expected a shallower expression");
  }

  static std::unique_ptr<ConditionExpr> join(ConditionExpr::Kind k, std::unique_ptr<ConditionExpr> a,
                                             std::unique_ptr<ConditionExpr> b) {
    auto e = std::make_unique<ConditionExpr>();
    e->kind = k;
    e->a = std::move(a);
    e->b = std::move(b);
    return e;
  }

  // or := and ("||" and)*; and := unary ("&&" unary)*: both left-associative.
  std::unique_ptr<ConditionExpr> parse_or(std::size_t depth) {
    return parse_chain("||", ConditionExpr::Kind::or_, depth, &ConditionParser::parse_and);
  }
  std::unique_ptr<ConditionExpr> parse_and(std::size_t depth) {
    return parse_chain("&&", ConditionExpr::Kind::and_, depth, &ConditionParser::parse_unary);
  }
  std::unique_ptr<ConditionExpr> parse_chain(std::string_view op, ConditionExpr::Kind kind, std::size_t depth,
                                             std::unique_ptr<ConditionExpr> (ConditionParser::*operand)(std::size_t)) {
    auto e = (this->*operand)(depth);
    while (at(op)) {
      pos_ += op.size();
      e = join(kind, std::move(e), (this->*operand)(depth));
    }
    return e;
  }

  std::unique_ptr<ConditionExpr> parse_unary(std::size_t depth) {
    check_depth(depth);
    if (at("!") && !at("!=")) {
      ++pos_;
      return join(ConditionExpr::Kind::not_, parse_unary(depth + 1), nullptr);
    }
    if (at("(")) {
      const std::size_t open = pos_++;
      auto e = parse_or(depth + 1);
      if (!at(")"))
        fail(pos_, "found " + shown(pos_) + ", expected \")\" to close the \"(\" at column " +
                       std::to_string(open + 1));
      ++pos_;
      return e;
    }
    return parse_comparison();
  }

  std::unique_ptr<ConditionExpr> parse_comparison() {
    auto e = std::make_unique<ConditionExpr>();
    skip_space();
    const std::size_t left_at = pos_;
    e->left = parse_term();
    skip_space();
    const std::size_t op_at = pos_;
    static const struct {
      const char* text;
      ConditionExpr::Kind kind;
    } ops[] = {{"==", ConditionExpr::Kind::eq}, {"!=", ConditionExpr::Kind::ne}, {"<=", ConditionExpr::Kind::le},
               {">=", ConditionExpr::Kind::ge}, {"<", ConditionExpr::Kind::lt},  {">", ConditionExpr::Kind::gt}};
    const char* op_text = nullptr;
    for (const auto& op : ops)
      if (at(op.text)) {
        e->kind = op.kind;
        op_text = op.text;
        pos_ += std::string_view(op.text).size();
        break;
      }
    if (!op_text) {
      const std::string hint = at("=") ? "compare with \"==\"" : "a term alone is not a condition; compare it";
      fail(pos_, "found " + shown(pos_) + " after " + jr::quote(e->left.text) +
                     ", expected a comparison: \"==\", \"!=\", \"<\", \"<=\", \">\" or \">=\"",
           hint);
    }
    skip_space();
    const std::size_t right_at = pos_;
    e->right = parse_term();
    if (e->left.is_bytes() != e->right.is_bytes())
      fail(right_at, "found " + jr::quote(e->right.text) + " (" + (e->right.is_bytes() ? "bytes" : "an integer") +
                         ") compared with " + jr::quote(e->left.text) + " (" +
                         (e->left.is_bytes() ? "bytes" : "an integer") + "), expected two integers or two byte strings",
           "ret and size are integers; data, file and quoted strings are bytes");
    const bool ordered = e->kind != ConditionExpr::Kind::eq && e->kind != ConditionExpr::Kind::ne;
    if (ordered && e->left.is_bytes())
      fail(op_at, std::string("found \"") + op_text + "\" between byte strings (at column " +
                      std::to_string(left_at + 1) + "), expected \"==\" or \"!=\"",
           "bytes compare only for equality");
    return e;
  }

  ConditionTerm parse_term() {
    skip_space();
    const std::size_t start = pos_;
    if (pos_ == text_.size()) fail(pos_, "found the end, expected a term: a number, a byte string, file, size or THREAD.K.ret");
    const char c = text_[pos_];
    if (c == '"' || c == '\'') return parse_bytes(c);
    if (c == '-' || is_digit(c)) {
      std::size_t end = pos_ + (c == '-');
      while (end < text_.size() && is_digit(text_[end])) ++end;
      if (end < text_.size() && text_[end] == '.' && c != '-') return parse_call(start, text_.substr(pos_, end - pos_));
      return parse_integer(end);
    }
    if (!is_name_start(c))
      fail(pos_, "found " + shown(pos_) + ", expected a term: a number, a byte string, file, size or THREAD.K.ret");
    std::size_t end = pos_;
    while (end < text_.size() && is_name_char(text_[end])) ++end;
    const std::string_view word = text_.substr(pos_, end - pos_);
    if (end < text_.size() && text_[end] == '.') return parse_call(start, word);
    ConditionTerm t;
    t.text = std::string(word);
    if (word == "file") t.kind = ConditionTerm::Kind::file;
    else if (word == "size") t.kind = ConditionTerm::Kind::size;
    else
      fail(pos_, "found " + jr::quote(word) + ", expected a term: a number, a byte string, file, size or THREAD.K.ret",
           "a thread's call is THREAD.K.ret or THREAD.K.data, K its operation's index from 0");
    pos_ = end;
    return t;
  }

  ConditionTerm parse_integer(std::size_t end) {
    ConditionTerm t;
    t.kind = ConditionTerm::Kind::integer;
    t.text = std::string(text_.substr(pos_, end - pos_));
    const auto r = std::from_chars(text_.data() + pos_, text_.data() + end, t.integer);
    if (r.ec != std::errc() || r.ptr != text_.data() + end)
      fail(pos_, "found " + jr::quote(t.text) + ", expected an integer from -2^63 to 2^63-1");
    pos_ = end;
    return t;
  }

  ConditionTerm parse_bytes(char quote) {
    const std::size_t open = pos_;
    std::size_t end = pos_ + 1;
    while (end < text_.size() && text_[end] != quote) end += text_[end] == '\\' ? 2 : 1;
    if (end >= text_.size())
      fail(open, std::string("found a byte string with no closing ") + quote + ", expected one",
           std::string("write the byte ") + quote + " inside it as " + (quote == '"' ? "\\x22" : "\\x27"));
    ConditionTerm t;
    t.kind = ConditionTerm::Kind::bytes;
    t.text = std::string(text_.substr(open, end + 1 - open));
    try {
      t.bytes = parse_byte_string(text_.substr(open + 1, end - open - 1), path_);
    } catch (const InputError& e) {
      fail(open, std::string("in the byte string ") + t.text + ": " + e.what(), e.hint());
    }
    pos_ = end + 1;
    return t;
  }

  // THREAD "." K "." ("ret" | "data"), with pos_ at THREAD and `thread` its text.
  ConditionTerm parse_call(std::size_t start, std::string_view thread) {
    ConditionTerm t;
    const auto& threads = config_.threads;
    std::size_t index = threads.size();
    if (is_digit(thread.front())) {
      std::from_chars(thread.data(), thread.data() + thread.size(), index);
      if (index >= threads.size())
        fail(start, "found thread index " + std::string(thread) + ", expected one from 0 to " +
                        std::to_string(threads.size() - 1));
    } else {
      for (std::size_t i = 0; i < threads.size(); ++i)
        if (threads[i].name == thread) index = i;
      if (index == threads.size()) {
        std::vector<std::string> names;
        for (const auto& th : threads) names.push_back(th.name);
        fail(start, "found " + jr::quote(thread) + ", expected a thread: " + jr::one_of(names) + " or an index",
             jr::did_you_mean(thread, names));
      }
    }
    pos_ = start + thread.size() + 1;  // past the "."
    const std::size_t k_at = pos_;
    std::size_t k_end = pos_;
    while (k_end < text_.size() && is_digit(text_[k_end])) ++k_end;
    std::size_t k = 0;
    const auto r = std::from_chars(text_.data() + pos_, text_.data() + k_end, k);
    const std::size_t ops = threads[index].ops.size();
    if (k_end == pos_ || r.ec != std::errc() || k >= ops)
      fail(k_at, "found " + shown(k_at) + " after " + jr::quote(std::string(thread) + ".") +
                     ", expected an operation index from 0 to " +
                     std::to_string(ops - 1) + " (thread " + jr::quote(threads[index].name) + " has " +
                     std::to_string(ops) + (ops == 1 ? " operation)" : " operations)"));
    pos_ = k_end;
    if (pos_ >= text_.size() || text_[pos_] != '.')
      fail(pos_, "found " + shown(pos_) + ", expected \".ret\" or \".data\"");
    ++pos_;
    std::size_t w_end = pos_;
    while (w_end < text_.size() && is_name_char(text_[w_end])) ++w_end;
    const std::string_view what = text_.substr(pos_, w_end - pos_);
    if (what == "ret") t.kind = ConditionTerm::Kind::ret;
    else if (what == "data") t.kind = ConditionTerm::Kind::data;
    else fail(pos_, "found " + shown(pos_) + ", expected \"ret\" (what the call returned) or \"data\" (its bytes)");
    pos_ = w_end;
    t.thread = index;
    t.op = k;
    t.text = std::string(text_.substr(start, pos_ - start));
    return t;
  }

  std::string_view text_;
  const std::string& path_;
  const models::pagecache::Config& config_;
  std::size_t pos_ = 0;
};

bool good_condition_name(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!(is_name_char(c) || c == '.')) return false;
  return true;
}

}  // namespace

std::shared_ptr<const ConditionExpr> parse_condition_expr(std::string_view text, const std::string& path,
                                                          const models::pagecache::Config& config) {
  if (text.size() > kMaxConditionChars)
    throw InputError(path, "found an expression of " + std::to_string(text.size()) +
                               " characters, expected at most " + std::to_string(kMaxConditionChars));
  return ConditionParser(text, path, config).parse();
}

std::vector<Condition> read_conditions(const nlohmann::json& doc, const models::pagecache::Config& config) {
  std::vector<Condition> out;
  const nlohmann::json* list = jr::find(doc, "conditions");
  if (!list) return out;
  jr::as_array(*list, "/conditions", "conditions {name, forall | exists | never}", 1, kMaxConditions);
  const std::vector<std::string> quantifiers = {"forall", "exists", "never"};
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = jr::child("/conditions", i);
    const jr::Object o((*list)[i], path, "a condition {name, forall | exists | never}", "a condition",
                       {"name", "forall", "exists", "never"});
    Condition c;
    const nlohmann::json& name = o.require("name", "the condition's name (a string)");
    c.name = jr::as_string(name, o.path("name"));
    if (!good_condition_name(c.name))
      jr::bad(o.path("name"), name, "a name of 1 to 64 letters, digits, \"_\", \"-\" or \".\"",
              "it names the invariant \"condition:NAME\" in reports");
    for (const Condition& other : out)
      if (other.name == c.name) jr::bad(o.path("name"), name, "a name no other condition has");
    std::size_t given = 0;
    for (std::size_t q = 0; q < quantifiers.size(); ++q) {
      const nlohmann::json* e = o.find(quantifiers[q]);
      if (!e) continue;
      if (++given > 1)
        jr::bad(o.path(quantifiers[q]), *e, "one of \"forall\", \"exists\", \"never\" per condition",
                "state each quantifier in a condition of its own");
      c.quantifier = static_cast<Condition::Quantifier>(q);
      c.path = o.path(quantifiers[q]);
      c.text = jr::as_string(*e, c.path, "an expression (a string): writer.0.ret == 4");
    }
    if (given == 0)
      jr::missing(jr::child(path, "forall"), "one of \"forall\", \"exists\", \"never\": an expression (a string)");
    c.expr = parse_condition_expr(c.text, c.path, config);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace checker
