// The "memory" key of a page-cache scenario: the regions of the process's
// user memory, anonymous, mapping the file, or invalid.
#pragma once

#include "checker/io/json_read.hpp"
#include "models/pagecache/config.hpp"

namespace checker::pagecache_keys {

// "memory" of `scenario`, when it is there, into config.regions. Reads after
// the geometry and the file: a mapping must fit in the largest file, and a
// present one in the file's content.
void read_memory(const json_read::Object& scenario, models::pagecache::Config& config);

}  // namespace checker::pagecache_keys
