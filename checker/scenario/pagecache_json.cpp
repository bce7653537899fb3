// Reads and checks the page-cache keys of a scenario file. Every check names
// the JSON pointer of the field, what it holds and what it should hold; the
// first problem found is the one reported. Only checked accessors of
// nlohmann::json are used, so no input makes the library throw.
#include "checker/scenario/pagecache_json.hpp"

#include "checker/io/json_read.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

namespace checker {
namespace {

using nlohmann::json;
using models::pagecache::AgentSpec;
using models::pagecache::Bytes;
using models::pagecache::Config;
using models::pagecache::Filesystem;
using models::pagecache::IoVec;
using models::pagecache::Operation;
using models::pagecache::Region;
using models::pagecache::ThreadSpec;
using L = PagecacheLimits;

// ---- messages (checker/io/json_read.hpp, shared with the generic loader and traces) ----

using json_read::bad;
using json_read::child;
using json_read::fail;
using json_read::one_of;
using json_read::quote;

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return "[" + hex(begin) + ", " + hex(end) + ")";
}

// ---- typed reads ----

void require_object(const json& v, const std::string& path, const std::string& what) {
  if (!v.is_object()) bad(path, v, what);
}

void require_array(const json& v, const std::string& path, const std::string& what,
                   std::size_t min, std::size_t max) {
  if (!v.is_array()) bad(path, v, what);
  if (v.size() < min || v.size() > max) {
    std::string count = std::to_string(v.size()) + (v.size() == 1 ? " entry" : " entries");
    fail(path, "found " + count + ", expected " +
                   (min == max ? std::to_string(min) : "from " + std::to_string(min) + " to " +
                                                            std::to_string(max)) +
                   (max == 1 ? " entry" : " entries"));
  }
}

// Rejects every key of `obj` not in `allowed`. `what` names the object in the
// message: "found an unknown key "foo" in a region".
void check_keys(const json& obj, const std::string& path, const std::string& what,
                const std::vector<std::string>& allowed) {
  if (path.empty() && obj.contains("params") &&
      std::find(allowed.begin(), allowed.end(), "params") == allowed.end())
    bad("/params", obj.at("params"), "no \"params\" with a page-cache model",
        "\"params\" belongs to example programs; a page-cache scenario describes its "
        "threads, memory and file");
  json_read::check_keys(obj, path, what, allowed);
}

const json* find(const json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

// A key the object must have: when it is left out, the error is at the key's
// own path, "found nothing, expected <what its value must be>".
const json& require(const json& obj, const std::string& path, std::string_view key,
                    const std::string& expected) {
  const json* v = find(obj, key);
  if (v == nullptr) json_read::missing(child(path, key), expected);
  return *v;
}

std::string range_of(std::uint64_t lo, std::uint64_t hi) {
  if (lo == hi) return "the integer " + std::to_string(lo);
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

std::uint64_t read_uint(const json& v, const std::string& path, std::uint64_t lo,
                        std::uint64_t hi, std::string expected = {}) {
  if (expected.empty()) expected = range_of(lo, hi);
  // Integers parsed from text are unsigned when not negative; those built
  // in code may be signed.
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    const std::uint64_t x = v.is_number_unsigned() ? v.get<std::uint64_t>()
                                                   : static_cast<std::uint64_t>(v.get<std::int64_t>());
    if (x < lo || x > hi) bad(path, v, expected);
    return x;
  }
  std::string hint;
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() < 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      hint = "write the number without quotes: " + s;
  }
  bad(path, v, expected, hint);  // negative, fractional, or not a number
}

bool read_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) bad(path, v, "true or false");
  return v.get<bool>();
}

const std::string& read_string(const json& v, const std::string& path,
                               const std::string& expected = "a string") {
  if (!v.is_string()) bad(path, v, expected);
  return v.get_ref<const std::string&>();
}

std::size_t read_enum(const json& v, const std::string& path,
                      const std::vector<std::string>& names) {
  if (!v.is_string()) bad(path, v, one_of(names));
  const std::string& s = v.get_ref<const std::string&>();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (s == names[i]) return i;
  bad(path, v, one_of(names), json_read::did_you_mean(s, names));
}

std::string read_name(const json& v, const std::string& path) {
  const std::string& s = read_string(v, path, "a name (a string)");
  if (s.empty() || s.size() > L::max_name)
    bad(path, v, "a name of 1 to " + std::to_string(L::max_name) + " characters");
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      bad(path, v, "a name without control characters");
  return s;
}

bool power_of_two(std::uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

std::uint64_t round_up(std::uint64_t x, std::uint64_t unit) { return (x + unit - 1) / unit * unit; }

// ---- bytes ----

Bytes read_bytes(const json& v, const std::string& path, std::size_t max_len,
                 const std::string& limit_reason) {
  Bytes out;
  if (v.is_string()) {
    out = parse_byte_string(v.get_ref<const std::string&>(), path);
  } else if (v.is_array()) {
    if (v.size() > max_len) {
      fail(path, "found " + std::to_string(v.size()) + " bytes, expected at most " +
                     std::to_string(max_len) + " (" + limit_reason + ")");
    }
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(static_cast<std::uint8_t>(read_uint(v[i], child(path, i), 0, 255,
                                                         "a byte (an integer from 0 to 255)")));
  } else {
    bad(path, v, "bytes: a string such as \"AB\\\\x00\" or an array of integers 0-255");
  }
  if (out.size() > max_len) {
    fail(path, "found " + std::to_string(out.size()) + " bytes, expected at most " +
                   std::to_string(max_len) + " (" + limit_reason + ")");
  }
  return out;
}

// ---- the scenario ----

const std::vector<std::string> kTopKeys = {
    // Read here:
    "model", "filesystem", "geometry", "file", "memory", "threads", "agents", "faults",
    // Owned by the generic loader, skipped here:
    "name", "description", "invariants", "explore", "expect", "$schema", "variants",
    "expect_by_variant", "explore_by_variant"};

const std::vector<std::string> kFilesystems = {"ext2", "ramfs"};
const std::vector<std::string> kRegionKinds = {"anonymous", "shared_file", "invalid"};
const std::vector<std::string> kAgentKinds = {"reclaim", "writeback"};
const char* const kGeometryForm = "an object {page_size, block_size, pages, copy_chunk}";
// What a memory reference may be (read_ref): with a length (a buffer, a
// range), or one byte (a touch's location).
const char* const kBufferForm =
    "a region name, {\"region\", \"offset\", \"length\"} or {\"address\", \"length\"}";
const char* const kLocationForm = "a region name, {\"region\", \"offset\"} or {\"address\"}";

const std::vector<std::string> kOpNames = {"write", "read",  "pwrite", "pread", "writev",
                                           "touch", "munmap", "msync", "fsync"};
const Operation::Kind kOpKinds[] = {
    Operation::Kind::write, Operation::Kind::read,   Operation::Kind::pwrite,
    Operation::Kind::pread, Operation::Kind::writev, Operation::Kind::touch,
    Operation::Kind::munmap, Operation::Kind::msync, Operation::Kind::fsync};

// The keys each kind of operation takes.
const std::vector<std::string>& op_keys(Operation::Kind kind) {
  static const std::vector<std::string> rw = {"op", "buf"}, prw = {"op", "buf", "offset"},
                                        v = {"op", "iov"}, touch = {"op", "at", "store", "value"},
                                        range = {"op", "range"}, none = {"op"};
  using K = Operation::Kind;
  switch (kind) {
    case K::write:
    case K::read: return rw;
    case K::pwrite:
    case K::pread: return prw;
    case K::writev: return v;
    case K::touch: return touch;
    case K::munmap:
    case K::msync: return range;
    case K::fsync: return none;
  }
  return none;
}

class Loader {
 public:
  explicit Loader(const json& root) : root_(root) {}

  Config load() {
    require_object(root_, "", "a scenario (a JSON object)");
    check_keys(root_, "", "a scenario", kTopKeys);

    const json& model = require(root_, "", "model", "a model variant name (a string)");
    const std::string& variant = read_string(model, "/model", "a model variant name (a string)");
    if (variant.empty()) bad("/model", model, "a model variant name such as \"linux-2.4.0\"");
    config_.variant = variant;

    const json& fs = require(root_, "", "filesystem", one_of(kFilesystems));
    config_.filesystem = read_enum(fs, "/filesystem", kFilesystems) == 0
                             ? Filesystem::ext2
                             : Filesystem::ramfs;

    read_geometry(require(root_, "", "geometry", kGeometryForm));
    if (const json* f = find(root_, "file")) read_file(*f);
    if (const json* m = find(root_, "memory")) read_memory(*m);
    read_threads(require(root_, "", "threads", "an array of threads"));
    if (const json* a = find(root_, "agents")) read_agents(*a);
    if (const json* f = find(root_, "faults")) read_faults(*f);
    return std::move(config_);
  }

 private:
  std::uint64_t max_file() const {
    return std::uint64_t{config_.geometry.page_size} * config_.geometry.pages;
  }
  std::string max_file_text() const {
    return "geometry.pages " + std::to_string(config_.geometry.pages) + " x page_size " +
           std::to_string(config_.geometry.page_size) + " = " + std::to_string(max_file()) +
           " bytes";
  }

  void read_geometry(const json& g) {
    const std::string path = "/geometry";
    require_object(g, path, kGeometryForm);
    check_keys(g, path, "geometry", {"page_size", "block_size", "pages", "copy_chunk"});
    auto& geo = config_.geometry;
    const std::string size_form = "a power of two from 1 to " + std::to_string(L::max_page_size);

    const json& ps = require(g, path, "page_size", size_form);
    geo.page_size = static_cast<std::uint32_t>(
        read_uint(ps, path + "/page_size", 1, L::max_page_size,
                  "a power of two from 1 to " + std::to_string(L::max_page_size)));
    if (!power_of_two(geo.page_size))
      bad(path + "/page_size", ps, "a power of two from 1 to " + std::to_string(L::max_page_size),
          "the kernel computes page indices with PAGE_CACHE_SHIFT");

    const json& bs = require(g, path, "block_size", size_form);
    geo.block_size = static_cast<std::uint32_t>(read_uint(
        bs, path + "/block_size", 1, L::max_page_size,
        "a power of two from 1 to " + std::to_string(L::max_page_size)));
    if (!power_of_two(geo.block_size))
      bad(path + "/block_size", bs, "a power of two from 1 to " + std::to_string(L::max_page_size),
          "buffer heads are found with blocksize_bits shifts");
    if (geo.page_size % geo.block_size != 0)
      bad(path + "/block_size", bs,
          "a block size that divides page_size " + std::to_string(geo.page_size),
          "a page holds a whole number of blocks (buffer heads)");

    geo.pages = static_cast<std::uint32_t>(
        read_uint(require(g, path, "pages", range_of(1, L::max_pages)), path + "/pages", 1, L::max_pages));

    if (const json* cc = find(g, "copy_chunk")) {
      geo.copy_chunk = static_cast<std::uint32_t>(read_uint(
          *cc, path + "/copy_chunk", 1, geo.page_size,
          "an integer from 1 to page_size (" + std::to_string(geo.page_size) + ")"));
    } else {
      geo.copy_chunk = std::max<std::uint32_t>(1, geo.page_size / 2);
    }
  }

  void read_file(const json& f) {
    const std::string path = "/file";
    require_object(f, path, "an object {content, cached}");
    check_keys(f, path, "file", {"content", "cached"});
    if (const json* c = find(f, "content"))
      config_.file.content = read_bytes(*c, path + "/content", max_file(), max_file_text());
    if (const json* c = find(f, "cached")) {
      const std::string cpath = path + "/cached";
      require_array(*c, cpath, "an array of page indices", 0, config_.geometry.pages);
      std::set<std::uint32_t> seen;
      for (std::size_t i = 0; i < c->size(); ++i) {
        const std::string ipath = child(cpath, i);
        auto index = static_cast<std::uint32_t>(
            read_uint((*c)[i], ipath, 0, config_.geometry.pages - 1,
                      "a page index from 0 to " + std::to_string(config_.geometry.pages - 1) +
                          " (geometry.pages is " + std::to_string(config_.geometry.pages) + ")"));
        if (!seen.insert(index).second)
          bad(ipath, (*c)[i], "each page index once", "page " + std::to_string(index) +
                                                           " is listed twice");
        config_.file.cached_pages.push_back(index);
      }
    }
  }

  void read_memory(const json& m) {
    const std::string path = "/memory";
    require_array(m, path, "an array of regions", 0, L::max_regions);
    const std::uint32_t ps = config_.geometry.page_size;
    std::uint64_t next_start = L::default_first_start;
    for (std::size_t i = 0; i < m.size(); ++i) {
      const std::string rpath = child(path, i);
      const json& r = m[i];
      require_object(r, rpath,
                     "a region {name, kind, start, length, content, file_offset, present}");
      check_keys(r, rpath, "a region",
                 {"name", "kind", "start", "length", "content", "file_offset", "present"});
      Region region;
      region.name = read_name(require(r, rpath, "name", "a name (a string)"), rpath + "/name");
      for (const Region& other : config_.regions)
        if (other.name == region.name)
          bad(rpath + "/name", *find(r, "name"), "a name no other region has");
      const std::size_t kind = read_enum(require(r, rpath, "kind", one_of(kRegionKinds)), rpath + "/kind",
                                         kRegionKinds);
      region.kind = kind == 0 ? Region::Kind::anonymous
                    : kind == 1 ? Region::Kind::shared_file
                                : Region::Kind::invalid;
      const std::string kind_name = kind == 0 ? "anonymous" : kind == 1 ? "shared_file" : "invalid";
      auto only_for = [&](std::string_view key, bool allowed, const std::string& which) {
        if (find(r, key) != nullptr && !allowed)
          fail(child(rpath, key), "key " + quote(key) + " is only for " + which +
                                      " regions, and this region is " + kind_name);
      };
      only_for("content", region.kind == Region::Kind::anonymous, "anonymous");
      only_for("file_offset", region.kind == Region::Kind::shared_file, "shared_file");
      only_for("present", region.kind != Region::Kind::invalid, "anonymous and shared_file");

      const std::uint64_t max_len = std::uint64_t{L::max_region_pages} * ps;
      if (const json* c = find(r, "content"))
        region.content = read_bytes(*c, rpath + "/content", max_len,
                                    std::to_string(L::max_region_pages) + " pages of " +
                                        std::to_string(ps) + " bytes");

      if (const json* st = find(r, "start")) {
        region.start = read_uint(*st, rpath + "/start", 0, L::user_address_end - ps,
                                 "a user address below " + hex(L::user_address_end) +
                                     " (TASK_SIZE), a multiple of page_size " + std::to_string(ps));
        if (region.start % ps != 0)
          bad(rpath + "/start", *st,
              "a user address below " + hex(L::user_address_end) +
                  " (TASK_SIZE), a multiple of page_size " + std::to_string(ps));
      } else {
        region.start = next_start;
      }

      std::uint64_t length;
      if (const json* len = find(r, "length")) {
        const std::string expected = "a multiple of page_size " + std::to_string(ps) + " from " +
                                     std::to_string(ps) + " to " + std::to_string(max_len);
        length = read_uint(*len, rpath + "/length", ps, max_len, expected);
        if (length % ps != 0) bad(rpath + "/length", *len, expected, "a region is whole user pages");
        if (length < region.content.size())
          fail(rpath + "/content", "found " + std::to_string(region.content.size()) +
                                       " bytes, expected at most the region's length " +
                                       std::to_string(length));
      } else {
        length = std::max<std::uint64_t>(ps, round_up(region.content.size(), ps));
      }
      region.length = static_cast<std::uint32_t>(length);

      if (region.start + length > L::user_address_end) {
        fail(find(r, "start") ? rpath + "/start" : rpath,
             "region " + quote(region.name) + " spans " +
                 range_text(region.start, region.start + length) +
                 ", past the end of the user address space " + hex(L::user_address_end) +
                 " (TASK_SIZE)");
      }
      for (const Region& other : config_.regions) {
        if (region.start < other.start + other.length && other.start < region.start + length) {
          fail(find(r, "start") ? rpath + "/start" : rpath,
               "region " + quote(region.name) + " " +
                   range_text(region.start, region.start + length) + " overlaps region " +
                   quote(other.name) + " " + range_text(other.start, other.start + other.length),
               "regions without a start are placed right after the region before them");
        }
      }

      if (const json* fo = find(r, "file_offset")) {
        const std::string expected = "a file offset that is a multiple of page_size " +
                                     std::to_string(ps) + ", with the mapping inside the file's " +
                                     std::to_string(max_file()) + " bytes";
        region.file_offset = read_uint(*fo, rpath + "/file_offset", 0, max_file(), expected);
        if (region.file_offset % ps != 0) bad(rpath + "/file_offset", *fo, expected);
      }
      if (region.kind == Region::Kind::shared_file &&
          region.file_offset + length > max_file()) {
        fail(rpath, "the mapping of region " + quote(region.name) + " covers file bytes " +
                        range_text(region.file_offset, region.file_offset + length) +
                        ", past the largest file of " + max_file_text(),
             "shorten the region or raise geometry.pages");
      }
      if (const json* p = find(r, "present")) region.present = read_bool(*p, rpath + "/present");
      const std::uint64_t file_end = round_up(config_.file.content.size(), ps);  // whole pages
      if (region.kind == Region::Kind::shared_file && region.present &&
          region.file_offset + length > file_end) {
        fail(find(r, "present") ? rpath + "/present" : rpath,
             "region " + quote(region.name) + " maps file bytes " +
                 range_text(region.file_offset, region.file_offset + length) +
                 " and is present, but the file holds " + std::to_string(file_end / ps) +
                 (file_end / ps == 1 ? " page" : " pages") +
                 " at the start: a page past the end of the file cannot be mapped "
                 "(filemap_nopage gives SIGBUS)",
             "set \"present\": false (the pages fault in once the file has grown), or give the "
             "file more content");
      }

      next_start = region.start + length;
      config_.regions.push_back(std::move(region));
    }
  }

  const Region* region_at(std::uint64_t address) const {
    for (const Region& r : config_.regions)
      if (address >= r.start && address < r.start + r.length) return &r;
    return nullptr;
  }

  std::vector<std::string> region_names() const {
    std::vector<std::string> names;
    for (const Region& r : config_.regions) names.push_back(r.name);
    return names;
  }

  const Region& region_named(const json& v, const std::string& path) const {
    const std::string& name = read_string(v, path, "the name of a region (a string)");
    for (const Region& r : config_.regions)
      if (r.name == name) return r;
    if (config_.regions.empty())
      fail(path, "found " + json_read::found(v) + ", but /memory declares no regions",
           "declare the buffer's memory in /memory");
    bad(path, v, "the name of a region in /memory: " + one_of(region_names()),
        json_read::did_you_mean(name, region_names()));
  }

  enum class RefUse {
    buffer,    // read/write buffers: every byte in a declared region, invalid ones included
    location,  // touch: one byte, in a mapped (not invalid) region
    range,     // munmap/msync: whole pages of mapped regions
  };

  // A reference to user memory: "src" (the whole region), {"region": "src",
  // "offset": 2, "length": 4}, or {"address": 4100, "length": 4}.
  IoVec read_ref(const json& v, const std::string& path, RefUse use) {
    const bool has_length = use != RefUse::location;
    const std::string form = has_length ? kBufferForm : kLocationForm;
    IoVec iov;
    if (v.is_string()) {
      const Region& r = region_named(v, path);
      iov.address = r.start;
      iov.length = has_length ? r.length : 1;
    } else if (v.is_object()) {
      std::vector<std::string> keys = {"region", "address", "offset"};
      if (has_length) keys.push_back("length");
      check_keys(v, path, "a memory reference", keys);
      const json* reg = find(v, "region");
      const json* addr = find(v, "address");
      if ((reg == nullptr) == (addr == nullptr))
        fail(path, reg ? "found both \"region\" and \"address\", expected one of them"
                       : "found neither \"region\" nor \"address\", expected one of them");
      const json* len = has_length ? find(v, "length") : nullptr;
      if (reg != nullptr) {
        const Region& r = region_named(*reg, path + "/region");
        std::uint64_t offset = 0;
        if (const json* off = find(v, "offset")) {
          offset = read_uint(*off, path + "/offset", 0, r.length - 1,
                             "an offset inside region " + quote(r.name) + ", from 0 to " +
                                 std::to_string(r.length - 1));
        }
        iov.address = r.start + offset;
        iov.length = has_length ? static_cast<std::uint32_t>(r.length - offset) : 1;
      } else {
        if (find(v, "offset") != nullptr)
          fail(path + "/offset", "key \"offset\" goes with \"region\", not with \"address\"",
               "add the offset to the address");
        if (has_length && len == nullptr)
          json_read::missing(path + "/length", "a length in bytes (a buffer given by address "
                                               "has no region to take it from)");
        iov.address = read_uint(*addr, path + "/address", 0, L::user_address_end - 1,
                                "a user address below " + hex(L::user_address_end) +
                                    " (TASK_SIZE)");
        iov.length = 1;
      }
      if (len != nullptr) {
        const std::uint64_t limit = std::uint64_t{L::max_region_pages} * config_.geometry.page_size;
        iov.length = static_cast<std::uint32_t>(
            read_uint(*len, path + "/length", 1, limit,
                      "a length from 1 to " + std::to_string(limit) + " bytes"));
      }
    } else {
      bad(path, v, form);
    }

    const std::uint64_t begin = iov.address, end = iov.address + iov.length;
    if (end > L::user_address_end)
      fail(path, "bytes " + range_text(begin, end) + " run past the end of the user address "
                    "space " + hex(L::user_address_end) + " (TASK_SIZE)");
    // Every byte must lie in a declared region; walk the regions it crosses.
    std::uint64_t a = begin;
    while (a < end) {
      const Region* r = region_at(a);
      if (r == nullptr) {
        std::uint64_t gap_end = end;
        for (const Region& o : config_.regions)
          if (o.start > a && o.start < gap_end) gap_end = o.start;
        fail(path,
             (a == begin && gap_end == end
                  ? "buffer " + range_text(begin, end) + " is"
                  : "bytes " + range_text(a, gap_end) + " of buffer " + range_text(begin, end) +
                        " are") +
                 " in no region of /memory; expected every byte in a declared region",
             "to make the copy fault there, declare an \"invalid\" region covering them");
      }
      if (use != RefUse::buffer && r->kind == Region::Kind::invalid)
        fail(path, "address " + hex(a) + " is in invalid region " + quote(r->name) +
                          ", expected an anonymous or shared_file region",
             use == RefUse::location ? "a user access there would be SIGSEGV, not a page fault"
                                     : "");
      a = std::min<std::uint64_t>(end, r->start + r->length);
    }
    if (use == RefUse::range) {
      const std::uint32_t ps = config_.geometry.page_size;
      if (begin % ps != 0 || iov.length % ps != 0)
        fail(path, "range " + range_text(begin, end) + " is not whole pages, expected a start "
                      "and length that are multiples of page_size " + std::to_string(ps));
    }
    return iov;
  }

  void read_threads(const json& t) {
    const std::string path = "/threads";
    require_array(t, path, "an array of threads", 1, L::max_threads);
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::string tpath = child(path, i);
      const json& th = t[i];
      require_object(th, tpath, "a thread {name, ops}");
      check_keys(th, tpath, "a thread", {"name", "ops"});
      ThreadSpec spec;
      if (const json* n = find(th, "name")) {
        spec.name = read_name(*n, tpath + "/name");
        for (const ThreadSpec& other : config_.threads)
          if (other.name == spec.name) bad(tpath + "/name", *n, "a name no other thread has");
      } else {
        spec.name = "T" + std::to_string(i);  // as the model names an unnamed thread
        for (const ThreadSpec& other : config_.threads)
          if (other.name == spec.name)
            fail(tpath, "this thread's default name " + quote(spec.name) +
                            " is taken by another thread", "give it a \"name\"");
      }
      const json& ops = require(th, tpath, "ops", "an array of operations");
      const std::string opath = tpath + "/ops";
      require_array(ops, opath, "an array of operations", 1, L::max_ops);
      std::uint64_t max_pos = 0;  // the furthest the file position can have moved
      for (std::size_t j = 0; j < ops.size(); ++j)
        spec.ops.push_back(read_op(ops[j], child(opath, j), max_pos));
      config_.threads.push_back(std::move(spec));
    }
  }

  Operation read_op(const json& o, const std::string& path, std::uint64_t& max_pos) {
    require_object(o, path, "an operation {\"op\": ..., ...}");
    const std::size_t k = read_enum(require(o, path, "op", one_of(kOpNames)), path + "/op", kOpNames);
    Operation op;
    op.kind = kOpKinds[k];
    const std::string& name = kOpNames[k];
    const std::string what =
        std::string(op.kind == Operation::Kind::fsync || op.kind == Operation::Kind::msync ? "an "
                                                                                            : "a ") +
        name + " operation";
    using K = Operation::Kind;
    // A key that another kind of operation takes: say which.
    for (auto it = o.begin(); it != o.end(); ++it) {
      const std::vector<std::string>& mine = op_keys(op.kind);
      if (std::find(mine.begin(), mine.end(), it.key()) != mine.end()) continue;
      std::string users;
      for (std::size_t other = 0; other < kOpNames.size(); ++other) {
        const std::vector<std::string>& keys = op_keys(kOpKinds[other]);
        if (std::find(keys.begin(), keys.end(), it.key()) != keys.end())
          users += (users.empty() ? "" : ", ") + kOpNames[other];
      }
      if (!users.empty())
        fail(child(path, it.key()), "key " + quote(it.key()) + " is not used by " + what +
                                        " (it is for " + users + "), expected " + one_of(mine));
    }
    check_keys(o, path, what, op_keys(op.kind));

    const std::uint64_t limit = max_file();
    switch (op.kind) {
      case K::write:
      case K::read:
      case K::pwrite:
      case K::pread: {
        op.iov.push_back(read_ref(require(o, path, "buf", kBufferForm), path + "/buf", RefUse::buffer));
        const std::uint64_t len = op.iov[0].length;
        if (op.kind == K::pwrite || op.kind == K::pread) {
          const std::string offset_form = "a file offset from 0 to " + std::to_string(limit) +
                                          " (" + max_file_text() + ")";
          const json& off = require(o, path, "offset", offset_form);
          op.offset = read_uint(off, path + "/offset", 0, limit, offset_form);
        }
        if (op.kind == K::write || op.kind == K::pwrite) {
          const std::uint64_t start = op.kind == K::write ? max_pos : op.offset;
          if (start + len > limit)
            fail(path, "this " + name + " of " + std::to_string(len) + " bytes at file offset " +
                           (op.kind == K::write && start > 0 ? "up to " : "") + std::to_string(start) +
                           " may end at byte " + std::to_string(start + len) +
                           ", past the largest file of " + max_file_text(),
                 "raise geometry.pages or shorten the buffer");
        }
        if (op.kind == K::write || op.kind == K::read) max_pos += len;
        break;
      }
      case K::writev: {
        const json& iov = require(o, path, "iov", "an array of memory references");
        const std::string ipath = path + "/iov";
        require_array(iov, ipath, "an array of memory references", 1, L::max_iovecs);
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < iov.size(); ++i) {
          op.iov.push_back(read_ref(iov[i], child(ipath, i), RefUse::buffer));
          total += op.iov.back().length;
        }
        if (max_pos + total > limit)
          fail(path, "this writev of " + std::to_string(total) + " bytes at file offset " +
                         (max_pos > 0 ? "up to " : "") + std::to_string(max_pos) + " may end at byte " +
                         std::to_string(max_pos + total) + ", past the largest file of " +
                         max_file_text(),
               "raise geometry.pages or shorten the buffers");
        max_pos += total;
        break;
      }
      case K::touch: {
        op.iov.push_back(read_ref(require(o, path, "at", kLocationForm), path + "/at", RefUse::location));
        if (const json* s = find(o, "store")) op.store = read_bool(*s, path + "/store");
        if (const json* v = find(o, "value")) {
          if (!op.store)
            fail(path + "/value", "key \"value\" is only for a store, and this touch is a load",
                 "add \"store\": true");
          op.value = read_value(*v, path + "/value");
        }
        break;
      }
      case K::munmap:
      case K::msync:
        op.iov.push_back(read_ref(require(o, path, "range", kBufferForm), path + "/range", RefUse::range));
        break;
      case K::fsync:
        break;
    }
    return op;
  }

  std::uint8_t read_value(const json& v, const std::string& path) {
    if (v.is_string()) {
      Bytes b = parse_byte_string(v.get_ref<const std::string&>(), path);
      if (b.size() != 1) bad(path, v, "one byte, such as \"Z\" or \"\\\\xff\", or an integer 0-255");
      return b[0];
    }
    return static_cast<std::uint8_t>(
        read_uint(v, path, 0, 255, "one byte, such as \"Z\" or \"\\\\xff\", or an integer 0-255"));
  }

  void read_agents(const json& a) {
    const std::string path = "/agents";
    require_array(a, path, "an array of agents", 0, L::max_agents);
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string apath = child(path, i);
      require_object(a[i], apath, "an agent {kind, budget}");
      check_keys(a[i], apath, "an agent", {"kind", "budget"});
      AgentSpec agent;
      agent.kind = read_enum(require(a[i], apath, "kind", one_of(kAgentKinds)), apath + "/kind",
                             kAgentKinds) == 0
                       ? AgentSpec::Kind::reclaim
                       : AgentSpec::Kind::writeback;
      if (const json* b = find(a[i], "budget"))
        agent.budget = static_cast<std::uint32_t>(read_uint(
            *b, apath + "/budget", 1, L::max_budget,
            "a budget from 1 to " + std::to_string(L::max_budget) + " acts per execution"));
      config_.agents.push_back(agent);
    }
  }

  void read_faults(const json& f) {
    const std::string path = "/faults";
    require_object(f, path, "an object {copy_from_user, read_io_error, write_io_error}");
    check_keys(f, path, "faults", {"copy_from_user", "read_io_error", "write_io_error"});
    if (const json* v = find(f, "copy_from_user"))
      config_.faults.copy_from_user = read_bool(*v, path + "/copy_from_user");
    if (const json* v = find(f, "read_io_error"))
      config_.faults.read_io_error = read_bool(*v, path + "/read_io_error");
    if (const json* v = find(f, "write_io_error"))
      config_.faults.write_io_error = read_bool(*v, path + "/write_io_error");
  }

  const json& root_;
  Config config_;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Bytes parse_byte_string(std::string_view text, const std::string& json_path) {
  Bytes out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80)
      fail(json_path, "found a non-ASCII character at character " + std::to_string(i + 1) +
                          " of the string, expected ASCII",
           "write a byte above 0x7f as \\\\xHH (in JSON text), e.g. \"\\\\xff\"");
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
      continue;
    }
    if (i + 3 < text.size() && text[i + 1] == 'x' && hex_digit(text[i + 2]) >= 0 &&
        hex_digit(text[i + 3]) >= 0) {
      out.push_back(static_cast<std::uint8_t>(hex_digit(text[i + 2]) * 16 + hex_digit(text[i + 3])));
      i += 3;
      continue;
    }
    const std::size_t shown = i + 1 < text.size() && text[i + 1] == 'x' ? 4 : 2;
    std::string seen(text.substr(i, std::min<std::size_t>(shown, text.size() - i)));
    fail(json_path, "found " + quote(seen) + " at character " + std::to_string(i + 1) +
                        " of the string, expected an escape written \"\\\\xHH\" (two hex "
                        "digits) or \"\\\\\\\\\" in JSON text",
         "in JSON text a backslash is itself escaped: \"\\\\x00\" is the byte 0");
  }
  return out;
}

std::string format_byte_string(const Bytes& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (std::uint8_t b : bytes) {
    if (b == '\\') {
      out += "\\\\";
    } else if (b >= 0x20 && b < 0x7f) {
      out += static_cast<char>(b);
    } else {
      out += "\\x";
      out += digits[b >> 4];
      out += digits[b & 15];
    }
  }
  return out;
}

models::pagecache::Config pagecache_config_from_json(const nlohmann::json& scenario) {
  return Loader(scenario).load();
}

}  // namespace checker
