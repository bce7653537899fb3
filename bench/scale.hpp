// Table 7, "scale": how far today's searches are from the aims of issue #12
// ("Searches that scale"), one row per search, each in a fresh process
// (child.hpp) so that its peak memory is its own, each stopped at a time cap.
#pragma once

#include <string>
#include <vector>

namespace bench {

struct ScaleOptions {
  std::string scenarios_dir;  // the scenarios/ folder (seed/, variants/, examples/)
  bool quick = false;         // a smoke test: small rows, a short cap
};

// Prints the table to stdout.
void scale_table(const ScaleOptions& options);

// The child process of one row (interleave-bench --scale-child MODE STRATEGY
// SECONDS DOCUMENT): runs the search and prints one line for the parent.
int scale_child(const std::vector<std::string>& args);

}  // namespace bench
