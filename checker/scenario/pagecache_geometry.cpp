#include "checker/scenario/pagecache_geometry.hpp"

#include <algorithm>

#include "checker/scenario/pagecache_limits.hpp"

namespace checker::pagecache_keys {

namespace jr = json_read;
using models::pagecache::Geometry;
using L = PagecacheLimits;

namespace {

bool power_of_two(std::uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

}  // namespace

Geometry read_geometry(const jr::Object& scenario) {
  const std::string form = "an object {page_size, block_size, pages, copy_chunk}";
  const jr::Object g(scenario.require("geometry", form), scenario.path("geometry"), form,
                     "geometry", {"page_size", "block_size", "pages", "copy_chunk"});
  Geometry geo;
  const std::string size_form = "a power of two from 1 to " + std::to_string(L::max_page_size);

  const jr::Json& ps = g.require("page_size", size_form);
  geo.page_size = static_cast<std::uint32_t>(jr::as_uint(
      ps, g.path("page_size"), 1, L::max_page_size, size_form, jr::QuotedNumber::hint));
  if (!power_of_two(geo.page_size))
    jr::bad(g.path("page_size"), ps, size_form,
            "the kernel computes page indices with PAGE_CACHE_SHIFT");

  const jr::Json& bs = g.require("block_size", size_form);
  geo.block_size = static_cast<std::uint32_t>(jr::as_uint(
      bs, g.path("block_size"), 1, L::max_page_size, size_form, jr::QuotedNumber::hint));
  if (!power_of_two(geo.block_size))
    jr::bad(g.path("block_size"), bs, size_form,
            "buffer heads are found with blocksize_bits shifts");
  if (geo.page_size % geo.block_size != 0)
    jr::bad(g.path("block_size"), bs,
            "a block size that divides page_size " + std::to_string(geo.page_size),
            "a page holds a whole number of blocks (buffer heads)");

  const std::string pages_form = jr::uint_range(1, L::max_pages);
  geo.pages = static_cast<std::uint32_t>(jr::as_uint(g.require("pages", pages_form),
                                                     g.path("pages"), 1, L::max_pages,
                                                     pages_form, jr::QuotedNumber::hint));

  if (const jr::Json* cc = g.find("copy_chunk")) {
    geo.copy_chunk = static_cast<std::uint32_t>(jr::as_uint(
        *cc, g.path("copy_chunk"), 1, geo.page_size,
        "an integer from 1 to page_size (" + std::to_string(geo.page_size) + ")",
        jr::QuotedNumber::hint));
  } else {
    geo.copy_chunk = std::max<std::uint32_t>(1, geo.page_size / 2);
  }
  return geo;
}

std::uint64_t largest_file(const Geometry& geometry) {
  return std::uint64_t{geometry.page_size} * geometry.pages;
}

std::string largest_file_text(const Geometry& geometry) {
  return "geometry.pages " + std::to_string(geometry.pages) + " x page_size " +
         std::to_string(geometry.page_size) + " = " + std::to_string(largest_file(geometry)) +
         " bytes";
}

}  // namespace checker::pagecache_keys
