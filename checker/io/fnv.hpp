// FNV-1a, 64 bits: the digest of a scenario, a checkpoint's checksum, a
// shard plan's digest and a plugin library's. Not cryptographic: it tells a
// damaged or different file from the expected one, not a forged one.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace checker {

inline constexpr std::uint64_t kFnvOffset = 1469598103934665603ULL;
inline constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

// `h` with `bytes` mixed in.
inline std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = kFnvOffset) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

// `h` with the 8 bytes of `v` mixed in, low byte first.
inline std::uint64_t fnv1a_u64(std::uint64_t v, std::uint64_t h) {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= kFnvPrime;
  }
  return h;
}

// A digest as 16 hex digits.
inline std::string fnv_hex(std::uint64_t h) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

inline std::string fnv1a_hex(std::string_view bytes) { return fnv_hex(fnv1a(bytes)); }

}  // namespace checker
