// State digests, for a stateful search (checker/strategies/stateful.hpp): a
// 64-bit hash of the value of one object, or of the shared state that belongs
// to no object. The model (and each primitive of sim/primitives.hpp, for its
// own object) registers with the execution how to compute the digest of each
// object it makes (Execution::set_digest); a program that registers a digest
// for every object and a global one is "digestible", and only then may a
// search identify states by them.
//
// A digest must be a function of everything a step that names the object
// can read of it (and must differ, up to hash collisions, whenever two
// values could make any step behave differently). Coarser is always sound:
// a digest that covers more than its object only merges fewer states.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace sim {

// How to compute one digest: a plain function and its argument, so that
// registering costs no allocation (executions are set up millions of times).
struct Digester {
  std::uint64_t (*fn)(const void* arg) = nullptr;
  const void* arg = nullptr;
  explicit operator bool() const { return fn != nullptr; }
  std::uint64_t operator()() const { return fn(arg); }
};

// A running 64-bit hash: add() folds in values in order (order matters),
// value() finishes it (murmur3's fmix64 over a multiply-rotate chain).
class Hasher {
 public:
  explicit Hasher(std::uint64_t seed = 0x9e3779b97f4a7c15ULL) : h_(seed) {}
  Hasher& add(std::uint64_t v) {
    h_ ^= v + 0x9e3779b97f4a7c15ULL + (h_ << 6) + (h_ >> 2);
    h_ *= 0xff51afd7ed558ccdULL;
    h_ = (h_ << 29) | (h_ >> 35);
    return *this;
  }
  Hasher& add_bytes(std::span<const std::uint8_t> b) {
    add(b.size());
    std::size_t i = 0;
    for (; i + 8 <= b.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, b.data() + i, 8);
      add(w);
    }
    std::uint64_t w = 0;
    for (std::size_t k = 0; i < b.size(); ++i, ++k) w |= std::uint64_t{b[i]} << (8 * k);
    return add(w);
  }
  std::uint64_t value() const {
    std::uint64_t k = h_;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
  }

 private:
  std::uint64_t h_;
};

}  // namespace sim
