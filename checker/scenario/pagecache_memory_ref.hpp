// References to user memory in a page-cache scenario's operations: a region
// by name ("src"), a part of one ({"region": "src", "offset": 2, "length":
// 4}), or bytes at an address ({"address": 4100, "length": 4}). A buffer or
// a range may reach kernel addresses (from TASK_SIZE, 0xC0000000, on), which
// no region declares; a touch may not.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "models/pagecache/config.hpp"

namespace checker::pagecache_keys {

// What the reference is for, which decides what it may be.
enum class RefUse {
  buffer,    // read/write buffers: every byte in a declared region, invalid ones included
  location,  // touch: one byte, in a mapped (not invalid) region
  range,     // munmap/msync: whole pages of mapped regions
};

// What a reference for `use` may be, for the message when it is left out:
// with a length (a buffer, a range), or one byte (a touch's location).
std::string memory_ref_form(RefUse use);

// The user memory `v` refers to, checked against config.regions and config.geometry.
models::pagecache::IoVec read_memory_ref(const nlohmann::json& v, const std::string& path,
                                         RefUse use, const models::pagecache::Config& config);

}  // namespace checker::pagecache_keys
