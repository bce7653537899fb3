// The abstraction between a scenario's tiny geometry and real pages
// (docs/litmus.md, "The abstraction"): each model page is one real page;
// each model byte stands for an equal slice of it (real page size / model
// page size bytes), written with the byte repeated. Reading back, a slice
// whose bytes are all equal is that model byte; a slice whose bytes disagree
// is a torn slice: a marker that equals no model byte. A slice torn between
// exactly two values keeps them (the refinement rule of compare.hpp can
// then match it); one torn among more values, or not known, keeps none, and
// an outcome that holds it matches no outcome of the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace checker::litmus {

// One model byte as read back: 0..255; kTornSlice, a slice torn among values
// not kept; or torn_between(a, b), a slice whose real bytes are all a or b.
using AbstractByte = int;
inline constexpr AbstractByte kTornSlice = -1;
AbstractByte torn_between(std::uint8_t a, std::uint8_t b);  // a != b, in either order
inline bool is_torn(AbstractByte b) { return b < 0; }
// The two values of a slice torn between two, smaller first; none otherwise.
std::optional<std::pair<std::uint8_t, std::uint8_t>> torn_values(AbstractByte b);

// How a torn slice is printed inside an outcome's bytes: "\?" alone when its
// values are not kept, "\?{61,62}" (the two values in hex) when they are.
// The model's byte notation (models/pagecache/state.cpp, show_bytes) writes
// a backslash only before "x" (a backslash byte is "\x5c"), so this never
// reads as a byte.
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

// Bytes in the model's notation ("\"AB\\x00\""), a torn slice as kTornMarker
// (with its two values when it has them).
std::string show_abstract(const std::vector<AbstractByte>& bytes);

// The torn slices of an outcome line, in order: where each marker is in the
// line, its length, and its two values when it has them.
struct TornMarker {
  std::size_t at = 0, length = 0;
  std::optional<std::pair<std::uint8_t, std::uint8_t>> values;
};
std::vector<TornMarker> torn_markers_in(const std::string& outcome);
std::size_t torn_slices_in(const std::string& outcome);

// One byte in the model's notation, without quotes: "a", "\\x00".
std::string model_byte(std::uint8_t b);

}  // namespace checker::litmus
