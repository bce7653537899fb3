// The limits of the page-cache keys of a scenario file.
#pragma once

#include <cstddef>
#include <cstdint>

namespace checker {

// Sane limits, so that every scenario the loader accepts is one the model and
// the explorer can hold. Each is named in the message of the error that
// enforces it.
struct PagecacheLimits {
  static constexpr std::uint32_t max_page_size = 4096;
  static constexpr std::uint32_t max_pages = 64;          // pages the file may span
  static constexpr std::size_t max_regions = 16;
  static constexpr std::uint32_t max_region_pages = 256;  // user pages per region
  static constexpr std::size_t max_threads = 16;
  static constexpr std::size_t max_ops = 64;              // operations per thread
  static constexpr std::size_t max_iovecs = 8;            // iovecs per writev
  static constexpr std::size_t max_agents = 4;
  static constexpr std::uint32_t max_budget = 64;         // acts per agent per execution
  static constexpr std::size_t max_name = 64;             // characters in a name
  // lseek offsets (file15): a file position stays far below 2^40, so sums never overflow
  static constexpr std::uint64_t max_seek_offset = std::uint64_t{1} << 40;
  // i386 TASK_SIZE (PAGE_OFFSET): user addresses lie below it.
  static constexpr std::uint64_t user_address_end = 0xC0000000ull;
  // Where the first region goes when it gives no `start`.
  static constexpr std::uint64_t default_first_start = 0x1000;
};

}  // namespace checker
