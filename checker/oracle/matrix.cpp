#include "checker/oracle/matrix.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "checker/io/output_file.hpp"
#include "checker/oracle/oracle.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/trace/shrink.hpp"
#include "checker/trace/trace.hpp"
#include "models/pagecache/variants.hpp"

namespace checker {

namespace {

std::string expectation_text(const Expectation& e) {
  return e.verdict + (e.invariant.empty() ? "" : " of " + e.invariant);
}

bool meets(const Expectation& e, const MatrixCell& c) {
  if (e.verdict != c.verdict) return false;
  return e.verdict != "violation" || e.invariant.empty() || e.invariant == c.invariant;
}

MatrixCell run_cell(const Scenario& base, const std::string& variant, const MatrixOptions& o) {
  MatrixCell c;
  c.variant = variant;
  if (!base.variants.empty() &&
      std::find(base.variants.begin(), base.variants.end(), variant) == base.variants.end()) {
    c.verdict = "n/a";
    return c;
  }
  const Scenario s = for_variant(base, variant);
  const ExploreSettings settings = o.settings ? o.settings(s.explore) : effective_settings(s.explore);
  const ExploreResult r = run_scenario(s, settings);
  c.executions = r.executions;
  c.seconds = r.elapsed_s;
  switch (r.status) {
    case ExploreResult::Status::pass: c.verdict = "pass"; break;
    case ExploreResult::Status::inconclusive:
      c.verdict = r.interrupted ? "unfinished" : "inconclusive";
      c.detail = r.budget;
      break;
    case ExploreResult::Status::nondeterminism:
    case ExploreResult::Status::internal_error:
      c.verdict = "error";
      c.detail = r.error.substr(0, r.error.find('\n'));
      break;
    case ExploreResult::Status::violation: {
      c.verdict = "violation";
      const sim::Verdict& v = r.failures.front().verdict;
      c.invariant = invariant_of(v);
      c.self_deadlock = v.self_deadlock;
      Trace t = make_trace(s, settings, r);
      try {
        c.first_steps = trace_size(t).steps;
      } catch (const std::exception&) {
        c.first_steps = r.failures.front().schedule.size();
      }
      c.steps = c.first_steps;
      // Shrinking gets what the cell's search left of its --time-limit, as
      // `run` gives it what the search left of the command's: a matrix of N
      // cells with --time-limit T then takes about N * T, shrinking included.
      const double left_s = settings.time_limit_s > 0 ? std::max(0.0, settings.time_limit_s - r.elapsed_s) : -1;
      if (o.shrink && !r.interrupted && left_s != 0) {  // interrupted: report at once
        ShrinkOptions so;
        if (left_s > 0) so.time_limit_s = std::min(so.time_limit_s, left_s);
        ShrinkResult sr = shrink(t, so);
        if (sr.error.empty() && sr.shrunk()) {
          c.steps = sr.after.steps;
          t = sr.trace;
        }
      }
      if (!o.trace_dir.empty()) {
        const std::string path = (std::filesystem::path(o.trace_dir) / trace_file_name(s.name)).string();
        try {
          make_output_directory(o.trace_dir);
          write_trace(t, path);
          c.trace = path;
        } catch (const std::exception& e) {
          c.trace_error = std::string("could not write the trace: ") + e.what();
        }
      }
      break;
    }
  }
  std::optional<Expectation> e = s.expect;
  if (e) {
    c.expected = expectation_text(*e);
    c.meets = c.verdict == "unfinished" || meets(*e, c);  // not judged: it did not finish
  }
  return c;
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.resize(w, ' ');
  return s;
}

std::string md_escape(std::string s) {
  std::string o;
  for (char ch : s) {
    if (ch == '|') o += "\\|";
    else o += ch;
  }
  return o;
}

}  // namespace

std::string cell_text(const MatrixCell& c) {
  if (c.verdict != "violation") return c.verdict;
  std::string t = c.invariant;
  if (c.self_deadlock) t += " (self)";
  return t + ", " + std::to_string(c.steps) + " steps";
}

MatrixRow matrix_row(const Scenario& s, const MatrixOptions& o) {
  MatrixRow row;
  row.file = s.file;
  row.name = s.name;
  row.description = s.description;
  std::vector<std::string> variants = o.variants;
  if (variants.empty())
    for (const auto& v : models::pagecache::variants()) variants.push_back(v.name);
  for (const std::string& v : variants) {
    if (o.on_cell) o.on_cell(s.name, v);
    row.cells.push_back(run_cell(s, v, o));
  }
  return row;
}

std::string matrix_text(const Matrix& m) {
  std::vector<std::string> header = {"variant"};
  for (const MatrixRow& r : m.scenarios) header.push_back(r.name);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < m.variants.size(); ++i) {
    std::vector<std::string> row = {m.variants[i]};
    for (const MatrixRow& r : m.scenarios) {
      const MatrixCell& c = r.cells[i];
      row.push_back(cell_text(c) + (c.meets ? "" : " (expected " + c.expected + ")"));
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> w(header.size(), 0);
  for (std::size_t k = 0; k < header.size(); ++k) {
    w[k] = header[k].size();
    for (const auto& row : rows) w[k] = std::max(w[k], row[k].size());
  }
  std::ostringstream out;
  for (std::size_t k = 0; k < header.size(); ++k) out << (k ? "  " : "") << pad(header[k], w[k]);
  out << "\n";
  for (std::size_t k = 0; k < header.size(); ++k) out << (k ? "  " : "") << std::string(w[k], '-');
  out << "\n";
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t k = 0; k < row.size(); ++k) line += (k ? "  " : "") + pad(row[k], w[k]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  return out.str();
}

std::string matrix_markdown(const Matrix& m) {
  std::ostringstream out;
  out << "| variant |";
  for (const MatrixRow& r : m.scenarios) out << " " << md_escape(r.name) << " |";
  out << "\n| --- |";
  for (std::size_t k = 0; k < m.scenarios.size(); ++k) out << " --- |";
  out << "\n";
  for (std::size_t i = 0; i < m.variants.size(); ++i) {
    out << "| `" << m.variants[i] << "` |";
    for (const MatrixRow& r : m.scenarios) {
      const MatrixCell& c = r.cells[i];
      std::string t = c.verdict == "violation" ? "**" + cell_text(c) + "**" : cell_text(c);
      if (!c.meets) t += " (expected " + c.expected + ")";
      out << " " << md_escape(t) << " |";
    }
    out << "\n";
  }
  return out.str();
}

nlohmann::ordered_json matrix_json(const Matrix& m) {
  nlohmann::ordered_json j;
  j["format"] = "interleave-matrix";
  j["version"] = 1;
  j["variants"] = m.variants;
  j["scenarios"] = nlohmann::ordered_json::array();
  for (const MatrixRow& r : m.scenarios) {
    nlohmann::ordered_json s;
    s["file"] = r.file;
    s["name"] = r.name;
    s["description"] = r.description;
    s["cells"] = nlohmann::ordered_json::array();
    for (const MatrixCell& c : r.cells) {
      nlohmann::ordered_json x;
      x["variant"] = c.variant;
      x["verdict"] = c.verdict;
      x["invariant"] = c.invariant;
      x["self_deadlock"] = c.self_deadlock;
      x["steps"] = c.steps;
      x["first_steps"] = c.first_steps;
      x["executions"] = c.executions;
      x["seconds"] = c.seconds;
      x["detail"] = c.detail;
      x["expected"] = c.expected;
      x["meets_expectation"] = c.meets;
      x["trace"] = c.trace;
      s["cells"].push_back(std::move(x));
    }
    j["scenarios"].push_back(std::move(s));
  }
  return j;
}

}  // namespace checker
