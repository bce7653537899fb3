// The "threads" key of a page-cache scenario: each thread's name and its
// operations (write, read, pwrite, pread, writev, touch, munmap, msync, fsync).
#pragma once

#include "checker/io/json_read.hpp"
#include "models/pagecache/config.hpp"

namespace checker::pagecache_keys {

// "threads" of `scenario` into config.threads. Reads after the geometry and
// the memory: operations refer to regions and must stay in the largest file.
void read_threads(const json_read::Object& scenario, models::pagecache::Config& config);

}  // namespace checker::pagecache_keys
