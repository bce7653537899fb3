// The verdict matrix (`interleave matrix`): page-cache scenarios run against
// every model variant (or a chosen few), one cell per (variant, scenario):
// the verdict, and for a violation the invariant and the length of the
// shortest failing trace found. Printed as text, Markdown or JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/scenario/scenario.hpp"

namespace checker {

struct MatrixCell {
  std::string variant;
  // "pass", "violation", "inconclusive", "error" (the model threw or was
  // nondeterministic), "unfinished" (a signal interrupted the run before this
  // cell's search ended; not judged), or "n/a" (the scenario's "variants"
  // leave it out).
  std::string verdict;
  std::string invariant;      // violation: "deadlock", "torn-read", ...
  bool self_deadlock = false;
  std::uint64_t steps = 0;        // violation: the shortest failing trace found (after shrinking)
  std::uint64_t first_steps = 0;  // violation: the failing execution as the search found it
  std::uint64_t executions = 0;
  double seconds = 0;
  std::string detail;    // inconclusive: what ran out; error: what happened
  std::string expected;  // the expectation the scenario states for this variant, "" when none
  bool meets = true;     // the verdict meets `expected` (true when none is stated)
  std::string trace;     // where the trace of the violation was written, when asked
  std::string trace_error;  // why that trace could not be written (the command then exits 2)
};

struct MatrixRow {  // one scenario
  std::string file;
  std::string name;
  std::string description;
  std::vector<MatrixCell> cells;  // in the order of Matrix::variants
};

struct Matrix {
  std::vector<std::string> variants;
  std::vector<MatrixRow> scenarios;
};

struct MatrixOptions {
  std::vector<std::string> variants;  // empty: every page-cache variant
  std::function<ExploreSettings(const ExploreSettings&)> settings;  // the search settings of a cell
  bool shrink = true;                 // shrink each violation to report its shortest trace
  std::string trace_dir;              // write each violation's trace there ("" none)
  std::function<void(const std::string& scenario, const std::string& variant)> on_cell;  // progress
};

// The verdict line of a cell as the tables print it: "pass",
// "deadlock (self), 24 steps", "torn-read, 31 steps", "inconclusive", ...
std::string cell_text(const MatrixCell& c);

// Runs one scenario against the options' variants. InputErrors of the
// scenario retargeted to a variant propagate.
MatrixRow matrix_row(const Scenario& s, const MatrixOptions& o);

// Variants as rows, scenarios as columns.
std::string matrix_text(const Matrix& m);
std::string matrix_markdown(const Matrix& m);
// {"format": "interleave-matrix", "version": 1, "variants": [...],
//  "scenarios": [{"file", "name", "description", "cells": [{"variant",
//  "verdict", "invariant", "self_deadlock", "steps", "first_steps",
//  "executions", "seconds", "detail", "expected", "meets_expectation",
//  "trace"}]}]}
nlohmann::ordered_json matrix_json(const Matrix& m);

}  // namespace checker
