// Classic programs of SCTBench (Thomson, Donaldson and Betts, "Concurrency
// Testing Using Controlled Schedulers: An Empirical Study", PPoPP 2014 / TOPC
// 2016; mc-imperial/sctbench, benchmarks/concurrent-software-benchmarks/),
// re-expressed on the engine's primitives so that strategies can be compared
// on known bugs: every read and write of a shared variable is a visible
// operation (a SharedWord, or a step naming the variables), each pthread
// mutex a Semaphore of count 1, each assert() an "assertion" violation.
// Each program keeps the thread order of its main() and the names of its C
// functions; its outcome is the final value of its shared variables.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "models/examples/examples.hpp"

namespace models::examples {

// account, deadlock01, lazy01, twostage, reorder_3, reorder_5, wronglock_3,
// token_ring, stack, carter01: their names, descriptions and parameters.
const std::vector<ExampleInfo>& sctbench_examples();

// Builds one of them (params already checked against its ExampleInfo);
// nullptr for a name that is not one of them.
std::unique_ptr<Program> make_sctbench(std::string_view name, const ExampleInfo& info,
                                       const Params& params);

}  // namespace models::examples
