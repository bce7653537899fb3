#include "checker/litmus/abstraction.hpp"

#include <stdexcept>

#include "models/pagecache/state.hpp"

namespace checker::litmus {

Abstraction::Abstraction(std::uint32_t model_page_size, std::uint64_t real_page_size)
    : real_page_(real_page_size), slice_(model_page_size == 0 ? 0 : real_page_size / model_page_size) {
  if (model_page_size == 0 || slice_ == 0 || real_page_size % model_page_size != 0)
    throw std::invalid_argument("a model page of " + std::to_string(model_page_size) +
                                " bytes does not divide the real page of " + std::to_string(real_page_size) +
                                " bytes");
}

std::vector<std::uint8_t> Abstraction::expand(const std::vector<std::uint8_t>& model) const {
  std::vector<std::uint8_t> real;
  real.reserve(model.size() * slice_);
  for (std::uint8_t b : model) real.insert(real.end(), slice_, b);
  return real;
}

std::vector<AbstractByte> Abstraction::collapse(const std::uint8_t* real, std::size_t n) const {
  std::vector<AbstractByte> out;
  out.reserve(n / slice_);
  for (std::size_t at = 0; at + slice_ <= n; at += slice_) {
    AbstractByte b = real[at];
    for (std::size_t i = 1; i < slice_; ++i)
      if (real[at + i] != real[at]) {
        b = kTornSlice;
        break;
      }
    out.push_back(b);
  }
  return out;
}

std::string Abstraction::show_count(long long real_result) const {
  if (real_result < 0) return std::to_string(real_result);
  const auto n = static_cast<std::uint64_t>(real_result);
  if (n % slice_ == 0) return std::to_string(n / slice_);
  return "<" + std::to_string(n) + " real bytes>";
}

std::string show_abstract(const std::vector<AbstractByte>& bytes) {
  // The model's own notation for every run of whole bytes, the marker between.
  std::string s = "\"";
  std::vector<std::uint8_t> run;
  auto flush = [&] {
    const std::string shown = models::pagecache::show_bytes(run);
    s += shown.substr(1, shown.size() - 2);
    run.clear();
  };
  for (AbstractByte b : bytes) {
    if (b != kTornSlice) {
      run.push_back(static_cast<std::uint8_t>(b));
      continue;
    }
    flush();
    s += kTornMarker;
  }
  flush();
  return s + "\"";
}

std::size_t torn_slices_in(const std::string& outcome) {
  std::size_t n = 0;
  // Scanning escapes pairwise, so that "\\\\?" (a backslash byte, then "?")
  // is not taken for a marker.
  for (std::size_t i = 0; i + 1 < outcome.size(); ++i) {
    if (outcome[i] != '\\') continue;
    if (outcome[i + 1] == '?') ++n;
    ++i;
  }
  return n;
}

}  // namespace checker::litmus
