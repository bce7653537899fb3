// The abstraction between a scenario's tiny geometry and real pages
// (docs/litmus.md, "The abstraction"): each model page is one real page;
// each model byte stands for an equal slice of it (real page size / model
// page size bytes), written with the byte repeated. Reading back, a slice
// whose bytes are all equal is that model byte; a slice whose bytes disagree
// is a torn slice, a marker that equals no model byte, so an outcome that
// holds one matches no outcome of the model (which cannot tear inside a
// byte): the comparison can only say "not allowed" of it, never "allowed".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace checker::litmus {

// One model byte as read back: 0..255, or kTornSlice.
using AbstractByte = int;
inline constexpr AbstractByte kTornSlice = -1;

// How a torn slice is printed inside an outcome's bytes. The model's byte
// notation (models/pagecache/state.cpp, show_bytes) writes a backslash only
// before "x" (a backslash byte is "\x5c"), so this never reads as a byte.
inline constexpr const char* kTornMarker = "\\?";

class Abstraction {
 public:
  // model_page_size: a power of two that divides real_page_size.
  Abstraction(std::uint32_t model_page_size, std::uint64_t real_page_size);

  std::uint64_t slice() const { return slice_; }
  std::uint64_t real_page() const { return real_page_; }
  // Model offsets and addresses scale linearly: model page n, byte k is real
  // page n, bytes [k * slice, (k + 1) * slice).
  std::uint64_t real(std::uint64_t model_bytes) const { return model_bytes * slice_; }

  // Each model byte repeated slice() times.
  std::vector<std::uint8_t> expand(const std::vector<std::uint8_t>& model) const;

  // `n` real bytes read back as model bytes: n / slice() of them (n must be
  // a multiple of slice(); the caller says otherwise with show_count).
  std::vector<AbstractByte> collapse(const std::uint8_t* real, std::size_t n) const;

  // A system call's result as the model prints it: a negative errno as it
  // is, a count of whole slices as that many model bytes, and a count that
  // ends inside a slice (which no model count can be) as "<N real bytes>".
  std::string show_count(long long real_result) const;

 private:
  std::uint64_t real_page_;
  std::uint64_t slice_;
};

// Bytes in the model's notation ("\"AB\\x00\""), a torn slice as kTornMarker.
std::string show_abstract(const std::vector<AbstractByte>& bytes);

// How many torn slices an outcome line holds.
std::size_t torn_slices_in(const std::string& outcome);

}  // namespace checker::litmus
