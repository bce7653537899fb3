// The JSON form of a schedule, the list of decisions that makes one
// execution: [ {"thread": 0}, {"value": 1, "range": 3}, ... ]. Trace files
// and checkpoints both hold schedules; this is their one reader and writer.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/schedule.hpp"

namespace checker {

nlohmann::ordered_json to_json(const sim::Schedule& s);

// Reads a schedule at JSON path `path`; a thread decision names a thread
// 0 .. max_thread. Throws InputError with the JSON path of the bad decision.
sim::Schedule schedule_from(const nlohmann::json& j, const std::string& path,
                            std::uint32_t max_thread = UINT32_MAX - 1);

}  // namespace checker
