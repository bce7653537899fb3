// lost-data (DESIGN.md section 4): after all threads end, the whole file read
// back through the page cache, and again after a sync and the eviction of
// every page, must both be the content after ALL completed writes, applied in
// an order consistent with real time (the rule of torn-read, see
// torn_read.hpp: short writes count for the bytes they report, failed writes
// count for nothing, writes overlapping in time apply in either order, a
// write past EOF extends the file and leaves a hole of zeros; an ftruncate
// that returned 0 sets the size and zeroes what lies past it). Writes that
// never returned (the run ended around them) may or may not count.
// A read that stopped at an error is checked for the bytes it did read
// (the error itself is stale-error's, error_reporting.hpp). With the
// scenario known, a block whose last write I/O failed is compared, after
// eviction, with the cached content: the disk keeps its old bytes, and
// whether the application was told is lost-error's question.
#pragma once

#include <optional>

#include "checker/invariants/torn_read.hpp"
#include "models/pagecache/observation.hpp"
#include "sim/verdict.hpp"

namespace checker::invariants {

// Checks Observation::final_cached, then final_after_evict; nothing when the
// final read was not done (final_read_done false). On a mismatch: a verdict of
// kind violation, invariant "lost-data", with no thread (the end of the run),
// the last step of any call, and the content seen against the one expected.
std::optional<sim::Verdict> check_lost_data(const models::pagecache::Observation& obs,
                                            const CheckOptions& options = {});

}  // namespace checker::invariants
