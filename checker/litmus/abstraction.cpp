#include "checker/litmus/abstraction.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "models/pagecache/state.hpp"

namespace checker::litmus {

// Encoded below -1: -(2 + 256 * smaller + larger).
AbstractByte torn_between(std::uint8_t a, std::uint8_t b) {
  const int lo = std::min(a, b), hi = std::max(a, b);
  return -(2 + 256 * lo + hi);
}

std::optional<std::pair<std::uint8_t, std::uint8_t>> torn_values(AbstractByte b) {
  if (b >= kTornSlice) return std::nullopt;
  const int code = -b - 2;
  return std::pair{static_cast<std::uint8_t>(code / 256), static_cast<std::uint8_t>(code % 256)};
}

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
    std::set<std::uint8_t> values;
    for (std::size_t i = 0; i < slice_ && values.size() <= 2; ++i) values.insert(real[at + i]);
    if (values.size() == 1)
      out.push_back(*values.begin());
    else if (values.size() == 2)
      out.push_back(torn_between(*values.begin(), *values.rbegin()));
    else
      out.push_back(kTornSlice);
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
    if (!is_torn(b)) {
      run.push_back(static_cast<std::uint8_t>(b));
      continue;
    }
    flush();
    s += kTornMarker;
    if (const auto v = torn_values(b)) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "{%02x,%02x}", v->first, v->second);
      s += hex;
    }
  }
  flush();
  return s + "\"";
}

std::vector<TornMarker> torn_markers_in(const std::string& outcome) {
  std::vector<TornMarker> out;
  // Scanning escapes pairwise, so that "\\\\?" (a backslash byte, then "?")
  // is not taken for a marker.
  for (std::size_t i = 0; i + 1 < outcome.size(); ++i) {
    if (outcome[i] != '\\') continue;
    if (outcome[i + 1] == '?') {
      TornMarker m;
      m.at = i;
      m.length = 2;
      unsigned a = 0, b = 0;
      int used = 0;
      if (i + 9 <= outcome.size() &&
          std::sscanf(outcome.c_str() + i + 2, "{%2x,%2x}%n", &a, &b, &used) == 2 && used == 7) {
        m.length = 9;
        m.values = std::pair{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)};
      }
      out.push_back(m);
    }
    ++i;
  }
  return out;
}

std::size_t torn_slices_in(const std::string& outcome) { return torn_markers_in(outcome).size(); }

std::string model_byte(std::uint8_t b) {
  const std::string shown = models::pagecache::show_bytes(models::pagecache::Bytes{b});
  return shown.substr(1, shown.size() - 2);
}

}  // namespace checker::litmus
