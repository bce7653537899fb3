// The "geometry" key of a page-cache scenario, and what it sets for the rest:
// the largest file.
#pragma once

#include <cstdint>
#include <string>

#include "checker/io/json_read.hpp"
#include "models/pagecache/config.hpp"

namespace checker::pagecache_keys {

// "geometry" of `scenario`: page_size, block_size, pages, copy_chunk.
models::pagecache::Geometry read_geometry(const json_read::Object& scenario);

// The largest file the geometry holds, in bytes, and said for a message:
// "geometry.pages 2 x page_size 4 = 8 bytes".
std::uint64_t largest_file(const models::pagecache::Geometry& geometry);
std::string largest_file_text(const models::pagecache::Geometry& geometry);

}  // namespace checker::pagecache_keys
