// The two inputs that interleave reads from users, as fuzz entry points:
// the bytes of a scenario file and the bytes of a trace file; and a third
// entry for scenarios, which also searches an accepted one a little. Each is written
// once and called both by a libFuzzer target (fuzz_scenario.cpp,
// fuzz_trace.cpp; a clang build with -DINTERLEAVE_FUZZ=ON) and by the
// regression driver that the ordinary build runs over the corpus
// (regress.cpp), so a past crasher fails plain CI too.
//
// An input must either load, or be refused with an InputError whose message
// is one line naming the file. Anything else (another exception, a message
// of several lines, a crash, a sanitizer report) is a finding: the entry
// points report it on stderr and abort().
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuzz {

// The file name the inputs are given in messages.
inline constexpr const char* kInputName = "fuzz-input.json";

// parse_json_text + parse_scenario, then what `check` does with an accepted
// scenario: its per-variant cells, and a model built from each.
void scenario_input(const std::uint8_t* data, std::size_t size);

// scenario_input, then a short bounded search of each per-variant cell with
// every strategy in turn (kSearchExecutions executions each, one worker): a
// scenario the loader accepts must not crash the model or the search, nor
// make it throw or see nondeterminism (issue 18: a read past the geometry's
// last page crashed linux-6-ext4, and only the loaders were fuzzed).
inline constexpr std::uint64_t kSearchExecutions = 8;
inline constexpr std::uint64_t kSearchMaxSteps = 2000;
void search_input(const std::uint8_t* data, std::size_t size);

// parse_json_text + trace_from_json, then what `show` and `show --html` draw
// of an accepted trace, and the trace written and read back.
void trace_input(const std::uint8_t* data, std::size_t size);

}  // namespace fuzz
