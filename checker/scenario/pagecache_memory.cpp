#include "checker/scenario/pagecache_memory.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "checker/scenario/byte_string.hpp"
#include "checker/scenario/pagecache_geometry.hpp"
#include "checker/scenario/pagecache_limits.hpp"

namespace checker::pagecache_keys {

namespace jr = json_read;
using models::pagecache::Config;
using models::pagecache::Region;
using L = PagecacheLimits;

namespace {

const std::vector<std::string> kRegionKinds = {"anonymous", "shared_file", "invalid"};

std::uint64_t round_up(std::uint64_t x, std::uint64_t unit) { return (x + unit - 1) / unit * unit; }

Region read_region(const jr::Json& r, const std::string& rpath, std::uint64_t next_start,
                   const Config& config) {
  const jr::Object o(r, rpath, "a region {name, kind, start, length, content, file_offset, present}",
                     "a region",
                     {"name", "kind", "start", "length", "content", "file_offset", "present"});
  const std::uint32_t ps = config.geometry.page_size;
  const std::uint64_t max_file = largest_file(config.geometry);
  Region region;
  region.name = jr::as_name(o.require("name", "a name (a string)"), o.path("name"), L::max_name);
  for (const Region& other : config.regions)
    if (other.name == region.name)
      jr::bad(o.path("name"), *o.find("name"), "a name no other region has");
  const std::size_t kind = jr::as_enum(o.require("kind", jr::one_of(kRegionKinds)),
                                       o.path("kind"), kRegionKinds);
  region.kind = kind == 0 ? Region::Kind::anonymous
                : kind == 1 ? Region::Kind::shared_file
                            : Region::Kind::invalid;
  const std::string& kind_name = kRegionKinds[kind];
  auto only_for = [&](std::string_view key, bool allowed, const std::string& which) {
    if (o.has(key) && !allowed)
      jr::fail(o.path(key), "key " + jr::quote(key) + " is only for " + which +
                                " regions, and this region is " + kind_name);
  };
  only_for("content", region.kind == Region::Kind::anonymous, "anonymous");
  only_for("file_offset", region.kind == Region::Kind::shared_file, "shared_file");
  only_for("present", region.kind != Region::Kind::invalid, "anonymous and shared_file");

  const std::uint64_t max_len = std::uint64_t{L::max_region_pages} * ps;
  if (const jr::Json* c = o.find("content"))
    region.content = bytes_from_json(*c, o.path("content"), max_len,
                                     std::to_string(L::max_region_pages) + " pages of " +
                                         std::to_string(ps) + " bytes");

  if (const jr::Json* st = o.find("start")) {
    const std::string expected = "a user address below " + jr::hex(L::user_address_end) +
                                 " (TASK_SIZE), a multiple of page_size " + std::to_string(ps);
    region.start = jr::as_uint(*st, o.path("start"), 0, L::user_address_end - ps, expected,
                               jr::QuotedNumber::hint);
    if (region.start % ps != 0) jr::bad(o.path("start"), *st, expected);
  } else {
    region.start = next_start;
  }

  std::uint64_t length;
  if (const jr::Json* len = o.find("length")) {
    const std::string expected = "a multiple of page_size " + std::to_string(ps) + " from " +
                                 std::to_string(ps) + " to " + std::to_string(max_len);
    length = jr::as_uint(*len, o.path("length"), ps, max_len, expected, jr::QuotedNumber::hint);
    if (length % ps != 0) jr::bad(o.path("length"), *len, expected, "a region is whole user pages");
    if (length < region.content.size())
      jr::fail(o.path("content"), "found " + std::to_string(region.content.size()) +
                                      " bytes, expected at most the region's length " +
                                      std::to_string(length));
  } else {
    length = std::max<std::uint64_t>(ps, round_up(region.content.size(), ps));
  }
  region.length = static_cast<std::uint32_t>(length);

  const std::string where_start = o.has("start") ? o.path("start") : rpath;
  if (region.start + length > L::user_address_end) {
    jr::fail(where_start, "region " + jr::quote(region.name) + " spans " +
                              jr::hex_range(region.start, region.start + length) +
                              ", past the end of the user address space " +
                              jr::hex(L::user_address_end) + " (TASK_SIZE)");
  }
  for (const Region& other : config.regions) {
    if (region.start < other.start + other.length && other.start < region.start + length) {
      jr::fail(where_start,
               "region " + jr::quote(region.name) + " " +
                   jr::hex_range(region.start, region.start + length) + " overlaps region " +
                   jr::quote(other.name) + " " +
                   jr::hex_range(other.start, other.start + other.length),
               "regions without a start are placed right after the region before them");
    }
  }

  if (const jr::Json* fo = o.find("file_offset")) {
    const std::string expected = "a file offset that is a multiple of page_size " +
                                 std::to_string(ps) + ", with the mapping inside the file's " +
                                 std::to_string(max_file) + " bytes";
    region.file_offset = jr::as_uint(*fo, o.path("file_offset"), 0, max_file, expected,
                                     jr::QuotedNumber::hint);
    if (region.file_offset % ps != 0) jr::bad(o.path("file_offset"), *fo, expected);
  }
  if (region.kind == Region::Kind::shared_file && region.file_offset + length > max_file) {
    jr::fail(rpath, "the mapping of region " + jr::quote(region.name) + " covers file bytes " +
                        jr::hex_range(region.file_offset, region.file_offset + length) +
                        ", past the largest file of " + largest_file_text(config.geometry),
             "shorten the region or raise geometry.pages");
  }
  region.present = o.boolean("present", region.present);
  const std::uint64_t file_end = round_up(config.file.content.size(), ps);  // whole pages
  if (region.kind == Region::Kind::shared_file && region.present &&
      region.file_offset + length > file_end) {
    jr::fail(o.has("present") ? o.path("present") : rpath,
             "region " + jr::quote(region.name) + " maps file bytes " +
                 jr::hex_range(region.file_offset, region.file_offset + length) +
                 " and is present, but the file holds " + std::to_string(file_end / ps) +
                 (file_end / ps == 1 ? " page" : " pages") +
                 " at the start: a page past the end of the file cannot be mapped "
                 "(filemap_nopage gives SIGBUS)",
             "set \"present\": false (the pages fault in once the file has grown), or give the "
             "file more content");
  }
  return region;
}

}  // namespace

void read_memory(const jr::Object& scenario, Config& config) {
  const jr::Json* m = scenario.find("memory");
  if (m == nullptr) return;
  const std::string path = scenario.path("memory");
  jr::as_array(*m, path, "regions", 0, L::max_regions);
  std::uint64_t next_start = L::default_first_start;
  for (std::size_t i = 0; i < m->size(); ++i) {
    Region region = read_region((*m)[i], jr::child(path, i), next_start, config);
    next_start = region.start + region.length;
    config.regions.push_back(std::move(region));
  }
}

}  // namespace checker::pagecache_keys
