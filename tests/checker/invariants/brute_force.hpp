// The torn-read search's reference: every set of writes a read may have
// seen, tried by brute force (tests of checker/invariants/torn_read.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "checker/invariants/torn_read.hpp"

namespace invariants_test {

using models::pagecache::Bytes;
using models::pagecache::Observation;

// Every subset containing the mandatory writes, every order of it consistent
// with real time: does any give `seen` at `offset` with a size in range?
inline bool brute_force(const Observation& obs, const std::vector<checker::invariants::detail::FileWrite>& writes,
                 std::uint64_t offset, const Bytes& seen, std::uint64_t size_min, std::uint64_t size_max) {
  using checker::invariants::detail::FileWrite;
  const std::size_t n = writes.size();
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    std::vector<std::size_t> set;
    bool ok = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (1u << i)) set.push_back(i);
      else if (writes[i].mandatory) ok = false;
    }
    if (!ok) continue;
    std::sort(set.begin(), set.end());
    do {
      bool consistent = true;
      for (std::size_t a = 0; a < set.size(); ++a)
        for (std::size_t b = a + 1; b < set.size(); ++b)
          if (checker::invariants::detail::precedes(obs.calls[writes[set[b]].call], obs.calls[writes[set[a]].call]))
            consistent = false;
      if (!consistent) continue;
      std::vector<const FileWrite*> order;
      for (std::size_t i : set) order.push_back(&writes[i]);
      const Bytes content = checker::invariants::detail::apply_writes(obs.initial_content, order);
      if (content.size() < size_min || content.size() > size_max) continue;
      if (offset + seen.size() > content.size()) continue;
      if (std::equal(seen.begin(), seen.end(), content.begin() + static_cast<std::ptrdiff_t>(offset)))
        return true;
    } while (std::next_permutation(set.begin(), set.end()));
  }
  return false;
}

}  // namespace invariants_test
