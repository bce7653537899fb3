#include "checker/io/output_file.hpp"
#include "checker/oracle/oracle.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "checker/io/json_read.hpp"
#include "checker/trace/trace.hpp"

namespace checker {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : " | ") + x;
  return s;
}

std::string expected_text(const Expectation& e) {
  std::string s = e.verdict + (e.invariant.empty() ? "" : " of " + e.invariant);
  if (e.outcomes) s += " with " + plural(e.outcomes->size(), "outcome");
  return s;
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') o += ' ';
        else o += c;
    }
  }
  return o;
}

// JUnit's classname is read as "package.Class" (Jenkins groups by the
// package): the scenario's folder, its parts joined by dots (a dot inside a
// part, or a leading "." or "..", would make more parts, so it becomes "_");
// "interleave" for a file in the working directory.
std::string junit_classname(const std::string& file) {
  std::string out;
  for (const auto& part : std::filesystem::path(file).parent_path()) {
    std::string p = part.string();
    if (p.empty() || p == "/" || p == ".") continue;
    for (char& ch : p)
      if (ch == '.') ch = '_';
    out += (out.empty() ? "" : ".") + p;
  }
  return out.empty() ? "interleave" : out;
}

// The file's stem, and the variant of a per-variant case.
std::string junit_name(const CheckCase& c) {
  const std::string stem = c.file.empty() ? c.name : std::filesystem::path(c.file).stem().string();
  return c.variant.empty() ? stem : stem + " [" + c.variant + "]";
}

// What a failure's text gives a developer reading it in CI: what was
// expected and found, the invariant's own message with the bytes, the
// outcomes that differ, and how to replay the trace.
std::string junit_failure_text(const CheckCase& c) {
  std::string body = c.message;
  if (!c.expected.empty()) body += "\nexpected: " + c.expected;
  body += "\nfound: " + c.found;
  if (c.found.rfind("violation of ", 0) == 0) body += "\ninvariant: " + c.found.substr(13);
  if (!c.failure.empty()) body += "\n\n" + c.failure + "\n";
  for (const std::string& m : c.missing) body += "\nmissing outcome: " + m;
  for (const std::string& u : c.unexpected) body += "\nunexpected outcome: " + u;
  if (!c.trace.empty()) body += "\ntrace: " + c.trace + "\nreplay it: interleave replay " + c.trace;
  return body;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

// ---- a scanner that finds where a value lies in a JSON text (valid JSON:
// the file has been parsed already).
class Locator {
 public:
  Locator(const std::string& t, std::string target) : t_(t), target_(std::move(target)) {}

  bool find(std::size_t& begin, std::size_t& end) {
    try {
      value("");
    } catch (const std::out_of_range&) {
      return false;
    }
    begin = begin_, end = end_;
    return found_;
  }

 private:
  char peek() const { return t_.at(i_); }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  std::string string() {  // at '"'; returns the decoded text (ASCII escapes; others kept raw)
    std::string out;
    ++i_;
    for (;;) {
      char c = t_.at(i_++);
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = t_.at(i_++);
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          const unsigned cp = std::stoul(t_.substr(i_, 4), nullptr, 16);
          i_ += 4;
          if (cp < 0x80) out += static_cast<char>(cp);
          else out += "\\u" + t_.substr(i_ - 4, 4);  // not in any key we look for
          break;
        }
        default: out += e;
      }
    }
  }
  void value(const std::string& path) {
    ws();
    const std::size_t start = i_;
    const char c = peek();
    if (c == '{') {
      ++i_;
      ws();
      if (peek() == '}') {
        ++i_;
      } else {
        for (;;) {
          ws();
          std::string key = string();
          ws();
          if (t_.at(i_++) != ':') throw std::out_of_range("':'");
          value(json_read::child(path, key));
          if (found_) return;
          ws();
          const char d = t_.at(i_++);
          if (d == '}') break;
          if (d != ',') throw std::out_of_range("','");
        }
      }
    } else if (c == '[') {
      ++i_;
      ws();
      if (peek() == ']') {
        ++i_;
      } else {
        for (std::size_t k = 0;; ++k) {
          value(json_read::child(path, k));
          if (found_) return;
          ws();
          const char d = t_.at(i_++);
          if (d == ']') break;
          if (d != ',') throw std::out_of_range("','");
        }
      }
    } else if (c == '"') {
      string();
    } else {
      while (i_ < t_.size() && std::string_view(",}] \t\r\n").find(t_[i_]) == std::string_view::npos) ++i_;
    }
    if (path == target_) {
      found_ = true;
      begin_ = start;
      end_ = i_;
    }
  }

  const std::string& t_;
  std::string target_;
  std::size_t i_ = 0;
  bool found_ = false;
  std::size_t begin_ = 0, end_ = 0;
};

}  // namespace

std::string found_verdict(const ExploreResult& r) {
  switch (r.status) {
    case ExploreResult::Status::pass: return "pass";
    case ExploreResult::Status::violation:
      return "violation of " + invariant_of(r.failures.front().verdict);
    case ExploreResult::Status::inconclusive: return "inconclusive";
    case ExploreResult::Status::nondeterminism: return "error (nondeterminism in the model)";
    case ExploreResult::Status::internal_error: return "error (internal error in the model)";
  }
  return "?";
}

CheckCase judge(const Scenario& s, const ExploreResult& r) {
  CheckCase c;
  c.file = s.file;
  c.name = s.name;
  c.found = found_verdict(r);
  c.executions = r.executions;
  c.steps = r.steps;
  c.seconds = r.elapsed_s;
  c.internal = r.status == ExploreResult::Status::nondeterminism ||
               r.status == ExploreResult::Status::internal_error;
  if (r.status == ExploreResult::Status::pass && !r.outcomes_truncated) c.outcomes = r.outcomes;
  const std::string counts = plural(r.executions, "execution");
  if (!s.expect) {
    c.message = "the scenario has no \"expect\"; found " + c.found;
    return c;
  }
  const Expectation& e = *s.expect;
  c.expected = expected_text(e);
  bool ok = false;
  if (e.verdict == "pass") ok = r.status == ExploreResult::Status::pass;
  else if (e.verdict == "inconclusive") ok = r.status == ExploreResult::Status::inconclusive;
  else if (e.verdict == "violation")
    ok = r.status == ExploreResult::Status::violation &&
         (e.invariant.empty() || e.invariant == invariant_of(r.failures.front().verdict));
  const std::string expected_verdict = e.verdict + (e.invariant.empty() ? "" : " of " + e.invariant);
  if (!ok) {
    c.message = "expected " + expected_verdict + ", found " + c.found;
    c.inconclusive = r.status == ExploreResult::Status::inconclusive && !r.interrupted;
    if (r.status == ExploreResult::Status::inconclusive) c.message += " (" + r.budget + ")";
    if (!r.error.empty()) c.message += ": " + r.error.substr(0, r.error.find('\n'));
    return c;
  }
  if (!e.outcomes) {
    c.passed = true;
    c.message = c.found + ", " + counts;
    return c;
  }
  const std::set<std::string> want(e.outcomes->begin(), e.outcomes->end());
  if (r.outcomes_truncated) {
    c.message = "expected " + plural(want.size(), "outcome") + ", found more than " +
                std::to_string(r.outcomes.size()) + " (the outcome set was cut)";
    return c;
  }
  for (const std::string& w : want)
    if (!r.outcomes.count(w)) c.missing.push_back(w);
  for (const std::string& f : r.outcomes)
    if (!want.count(f)) c.unexpected.push_back(f);
  if (c.missing.empty() && c.unexpected.empty()) {
    c.passed = true;
    c.message = c.found + ", " + plural(r.outcomes.size(), "outcome") + ", " + counts;
    return c;
  }
  c.message = "expected " + plural(want.size(), "outcome") + ", found " +
              std::to_string(r.outcomes.size());
  if (!c.missing.empty()) c.message += "; missing: " + joined(c.missing);
  if (!c.unexpected.empty()) c.message += "; unexpected: " + joined(c.unexpected);
  return c;
}

bool can_update(const Scenario& s, const ExploreResult& r, const CheckCase& c) {
  return s.expect && s.expect->outcomes && s.expect->verdict == "pass" &&
         r.status == ExploreResult::Status::pass && c.outcomes && !c.passed &&
         (!c.missing.empty() || !c.unexpected.empty());
}

std::optional<std::string> replace_json_value(const std::string& text, const std::string& pointer,
                                              const json& value) {
  std::size_t begin = 0, end = 0;
  if (!Locator(text, pointer).find(begin, end)) return std::nullopt;
  // Continuation lines line up with the line the value starts on.
  const std::size_t line = text.rfind('\n', begin == 0 ? 0 : begin - 1);
  const std::size_t line_start = line == std::string::npos ? 0 : line + 1;
  std::size_t indent = 0;
  while (line_start + indent < begin && (text[line_start + indent] == ' ' || text[line_start + indent] == '\t'))
    ++indent;
  std::string v = value.dump(2);
  const std::string pad = text.substr(line_start, indent);
  for (std::size_t p = 0; (p = v.find('\n', p)) != std::string::npos; p += 1 + pad.size())
    v.insert(p + 1, pad);
  return text.substr(0, begin) + v + text.substr(end);
}

void update_outcomes(const std::string& file, const Expectation& e,
                     const std::set<std::string>& outcomes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string pointer = e.path + "/outcomes";
  const json list(std::vector<std::string>(outcomes.begin(), outcomes.end()));
  json want = json::parse(text);
  want[json::json_pointer(pointer)] = list;
  std::optional<std::string> edited = replace_json_value(text, pointer, list);
  // Only the outcomes' text changes; when that cannot be done (or would not
  // give the same document), the whole file is written again, indented.
  if (!edited || json::parse(*edited, nullptr, false) != want) {
    ojson doc = ojson::parse(text);
    doc[ojson::json_pointer(pointer)] = ojson(std::vector<std::string>(outcomes.begin(), outcomes.end()));
    edited = doc.dump(2) + "\n";
  }
  write_output_file(file, *edited);
}

std::string junit_xml(const std::vector<CheckCase>& cases) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  double total = 0;
  for (const CheckCase& c : cases) {
    total += c.seconds;
    if (c.passed) continue;
    if (c.unfinished || c.skipped) {
      ++skipped;
      continue;
    }
    (c.bad_input || c.internal || c.inconclusive ? errors : failures) += 1;
  }
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"interleave check\" tests=\"" << cases.size() << "\" failures=\""
    << failures << "\" errors=\"" << errors << "\" time=\"" << seconds(total) << "\">\n";
  x << "  <testsuite name=\"interleave\" tests=\"" << cases.size() << "\" failures=\"" << failures
    << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\"" << seconds(total) << "\">\n";
  for (const CheckCase& c : cases) {
    x << "    <testcase classname=\"" << xml_escape(junit_classname(c.file)) << "\" name=\""
      << xml_escape(junit_name(c)) << "\" time=\"" << seconds(c.seconds) << "\"";
    if (c.passed && c.trace.empty()) {
      x << "/>\n";
      continue;
    }
    x << ">\n";
    if (c.unfinished || c.skipped) {
      x << "      <skipped message=\"" << xml_escape(c.message) << "\"/>\n";
    } else if (!c.passed) {
      const char* tag = c.bad_input || c.internal || c.inconclusive ? "error" : "failure";
      const char* type = c.bad_input ? "bad-scenario" : c.internal ? "model-error" : c.inconclusive ? "inconclusive"
                         : !c.missing.empty() || !c.unexpected.empty() ? "outcomes" : "verdict";
      x << "      <" << tag << " message=\"" << xml_escape(c.message) << "\" type=\"" << type << "\">"
        << xml_escape(junit_failure_text(c)) << "</" << tag << ">\n";
    }
    if (!c.trace.empty())
      x << "      <system-out>" << xml_escape("trace: " + c.trace + (c.shrink.empty() ? "" : "\n" + c.shrink))
        << "</system-out>\n";
    x << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

ojson check_json(const std::vector<CheckCase>& cases, const std::string& interrupted) {
  std::size_t passed = 0, unfinished = 0, inconclusive = 0, skipped = 0;
  ojson list = ojson::array();
  for (const CheckCase& c : cases) {
    passed += c.passed;
    unfinished += c.unfinished && !c.passed;
    inconclusive += c.inconclusive && !c.passed && !c.unfinished;
    skipped += c.skipped;
    ojson j;
    j["file"] = c.file;
    j["name"] = c.name;
    j["passed"] = c.passed;
    j["status"] = c.passed ? "ok" : c.unfinished ? "unfinished" : c.skipped ? "skipped" : c.inconclusive ? "inconclusive"
                  : c.bad_input ? "bad-scenario" : c.internal ? "error" : "failed";
    j["expected"] = c.expected;
    j["found"] = c.found;
    j["message"] = c.message;
    j["missing"] = c.missing;
    j["unexpected"] = c.unexpected;
    j["outcomes"] = c.outcomes ? ojson(std::vector<std::string>(c.outcomes->begin(), c.outcomes->end()))
                               : ojson(nullptr);
    j["executions"] = c.executions;
    j["steps"] = c.steps;
    j["seconds"] = c.seconds;
    j["trace"] = c.trace.empty() ? ojson(nullptr) : ojson(c.trace);
    j["shrink"] = c.shrink.empty() ? ojson(nullptr) : ojson(c.shrink);
    j["updated"] = c.updated;
    list.push_back(std::move(j));
  }
  ojson out;
  out["format"] = "interleave-check";
  out["version"] = 1;
  out["passed"] = passed;
  out["failed"] = cases.size() - passed - unfinished - inconclusive - skipped;
  out["unfinished"] = unfinished;
  out["inconclusive"] = inconclusive;
  out["skipped"] = skipped;
  out["interrupted"] = interrupted;
  out["scenarios"] = std::move(list);
  return out;
}

}  // namespace checker
