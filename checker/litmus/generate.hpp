// Single-thread page-cache scenarios generated from a seed, for the
// differential test (differential.hpp): one thread, one to five calls among
// pwrite, write, writev, pread, read (at odd offsets, past EOF, from and into
// buffers partly or wholly unmapped), loads and stores through a MAP_SHARED
// mapping of the file (also past EOF inside its last page), msync, fsync and
// munmap. A single thread with no agents and no injected faults has exactly
// one outcome, on the model and on the kernel, so the two can be compared
// byte for byte. Every scenario is one the litmus runner can run for real
// (why_not_real is empty): no touch of a page past the file's end at the
// start, no touch of a mapping the thread unmaps, no msync or munmap of an
// `invalid` region (real_run.hpp says why).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace checker::litmus {

// The scenario document for `seed` (the same seed, the same document), with
// `filesystem` ("ext2" or "ramfs") as its data path and `variant` as its model.
nlohmann::json generate_scenario(std::uint64_t seed, const std::string& variant, const std::string& filesystem);

}  // namespace checker::litmus
