#include "fuzz/entry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "checker/report/html.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/scenario/load.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/search/run.hpp"
#include "checker/report/show.hpp"
#include "checker/trace/trace.hpp"

namespace fuzz {

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// The CLI prints an InputError as "interleave: FILE: at /path: what" and,
// on a second line, "hint: ...": each must be one line that names the file.
void check_message(const checker::InputError& e) {
  const std::string m = e.message();
  if (m.rfind(std::string(kInputName) + ": ", 0) != 0)
    finding("the message does not start with the file's name: " + m);
  if (m.find('\n') != std::string::npos || e.hint().find('\n') != std::string::npos)
    finding("the message is not one line: " + m + " / hint: " + e.hint());
  if (m.size() <= std::string(kInputName).size() + 2) finding("the message is empty");
}

std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `load`: an InputError is an answer (checked); any other exception is a finding.
template <class F>
void guarded(const char* what, F&& load) {
  try {
    load();
  } catch (const checker::InputError& e) {
    check_message(e);
  } catch (const std::exception& e) {
    finding(std::string(what) + " threw " + typeid(e).name() + ": " + e.what());
  } catch (...) {
    finding(std::string(what) + " threw something that is not a std::exception");
  }
}

}  // namespace

void scenario_input(const std::uint8_t* data, std::size_t size) {
  guarded("the scenario loader", [&] {
    const checker::Scenario s =
        checker::parse_scenario(checker::parse_json_text(text_of(data, size), kInputName), kInputName);
    for (const checker::Scenario& cell : checker::expectation_cells(s))
      (void)checker::make_program(cell);
  });
}

void search_input(const std::uint8_t* data, std::size_t size) {
  guarded("the scenario loader or a short search", [&] {
    const checker::Scenario s =
        checker::parse_scenario(checker::parse_json_text(text_of(data, size), kInputName), kInputName);
    for (const checker::Scenario& cell : checker::expectation_cells(s))
      for (const checker::StrategyInfo& strategy : checker::known_strategies()) {
        checker::ExploreSettings settings = cell.explore;
        settings.strategy = strategy.name;
        settings.max_executions = kSearchExecutions;
        settings.time_limit_s = 0;  // bounded by executions and steps: the same work every run
        settings.max_steps = std::min<std::uint64_t>(settings.max_steps, kSearchMaxSteps);
        settings.max_states = 1 << 16;
        settings.jobs = 1;
        const checker::ExploreResult r = checker::run_scenario(cell, settings);
        using Status = checker::ExploreResult::Status;
        if (r.status == Status::internal_error || r.status == Status::nondeterminism)
          finding(strategy.name + " on " + cell.model + ": " + checker::to_string(r.status) + ": " + r.error);
      }
  });
}

void trace_input(const std::uint8_t* data, std::size_t size) {
  guarded("the trace loader", [&] {
    const checker::Trace t =
        checker::trace_from_json(checker::parse_json_text(text_of(data, size), kInputName), kInputName);
    // What `show` draws without running the model again.
    (void)checker::show_text(t, kInputName, std::nullopt, checker::ShowStyle{});
    (void)checker::trace_html(t, checker::TracePage{kInputName, std::nullopt, {}});
    // A trace the loader accepts is one it can write and read back.
    const std::string text = checker::trace_text(t);
    try {
      (void)checker::trace_from_json(checker::parse_json_text(text, kInputName), kInputName);
    } catch (const checker::InputError& e) {
      finding("an accepted trace, written out, is refused: " + e.message());
    }
  });
}

}  // namespace fuzz
