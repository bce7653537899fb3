// The model binding: from a scenario's "model" name to the program the
// explorer runs. Built-in examples ("example:<name>", models/examples) take
// "params"; page-cache variants ("linux-2.4.0", ...) take the page-cache keys,
// read by pagecache_config_from_json. This is the one place that knows every
// kind of model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checker/scenario/scenario.hpp"
#include "models/program.hpp"

namespace checker {

// Checks the model name and the model-specific keys of s.json, and fills
// s.example_params or s.pagecache. Throws InputError (with a JSON path).
void bind_model(Scenario& s);

// A fresh program for a bound scenario.
std::unique_ptr<models::Program> make_program(const Scenario& s);

// The names of the threads the scenario's program starts (its setup, before
// the first step), by thread id: the scenario's own threads, then the
// model's agents (the disk, kswapd). The end-of-run checks may start more.
// Throws what the program's setup throws.
std::vector<std::string> program_threads(const Scenario& s);

struct ModelInfo {
  std::string name;         // as a scenario names it: "example:abba", "linux-2.4.0"
  std::string description;
  std::string params;       // "threads=2 (1..6), steps=3 (0..64)"; "" when none
};

// Every model this binary can run, examples first.
std::vector<ModelInfo> list_models();

}  // namespace checker
