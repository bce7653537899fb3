#include "checker/scenario/pagecache_memory_ref.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "checker/io/json_read.hpp"
#include "checker/scenario/pagecache_limits.hpp"

namespace checker::pagecache_keys {

namespace jr = json_read;
using models::pagecache::Config;
using models::pagecache::IoVec;
using models::pagecache::Region;
using L = PagecacheLimits;

namespace {

const Region* region_at(const Config& config, std::uint64_t address) {
  for (const Region& r : config.regions)
    if (address >= r.start && address < r.start + r.length) return &r;
  return nullptr;
}

std::vector<std::string> region_names(const Config& config) {
  std::vector<std::string> names;
  for (const Region& r : config.regions) names.push_back(r.name);
  return names;
}

const Region& region_named(const Config& config, const jr::Json& v, const std::string& path) {
  const std::string name = jr::as_string(v, path, "the name of a region (a string)");
  for (const Region& r : config.regions)
    if (r.name == name) return r;
  if (config.regions.empty())
    jr::fail(path, "found " + jr::found(v) + ", but /memory declares no regions",
             "declare the buffer's memory in /memory");
  jr::bad(path, v, "the name of a region in /memory: " + jr::one_of(region_names(config)),
          jr::did_you_mean(name, region_names(config)));
}

}  // namespace

std::string memory_ref_form(RefUse use) {
  return use == RefUse::location
             ? "a region name, {\"region\", \"offset\"} or {\"address\"}"
             : "a region name, {\"region\", \"offset\", \"length\"} or {\"address\", \"length\"}";
}

IoVec read_memory_ref(const jr::Json& v, const std::string& path, RefUse use,
                      const Config& config) {
  const bool has_length = use != RefUse::location;
  const std::string form = memory_ref_form(use);
  IoVec iov;
  if (v.is_string()) {
    const Region& r = region_named(config, v, path);
    iov.address = r.start;
    iov.length = has_length ? r.length : 1;
  } else if (v.is_object()) {
    std::vector<std::string> keys = {"region", "address", "offset"};
    if (has_length) keys.push_back("length");
    const jr::Object o(v, path, form, "a memory reference", keys);
    const jr::Json* reg = o.find("region");
    const jr::Json* addr = o.find("address");
    if ((reg == nullptr) == (addr == nullptr))
      jr::fail(path, reg ? "found both \"region\" and \"address\", expected one of them"
                         : "found neither \"region\" nor \"address\", expected one of them");
    const jr::Json* len = has_length ? o.find("length") : nullptr;
    if (reg != nullptr) {
      const Region& r = region_named(config, *reg, o.path("region"));
      std::uint64_t offset = 0;
      if (const jr::Json* off = o.find("offset")) {
        offset = jr::as_uint(*off, o.path("offset"), 0, r.length - 1,
                             "an offset inside region " + jr::quote(r.name) + ", from 0 to " +
                                 std::to_string(r.length - 1),
                             jr::QuotedNumber::hint);
      }
      iov.address = r.start + offset;
      iov.length = has_length ? static_cast<std::uint32_t>(r.length - offset) : 1;
    } else {
      if (o.has("offset"))
        jr::fail(o.path("offset"), "key \"offset\" goes with \"region\", not with \"address\"",
                 "add the offset to the address");
      if (has_length && len == nullptr)
        jr::missing(o.path("length"), "a length in bytes (a buffer given by address "
                                      "has no region to take it from)");
      // Any address: from TASK_SIZE on it is a kernel address, which the
      // kernel's access_ok refuses (docs/scenario-format.md).
      iov.address = jr::as_uint(*addr, o.path("address"), 0, std::numeric_limits<std::uint64_t>::max(),
                                "an address (below " + jr::hex(L::user_address_end) +
                                    ", TASK_SIZE, a user address)",
                                jr::QuotedNumber::hint);
      iov.length = 1;
    }
    if (len != nullptr) {
      const std::uint64_t limit = std::uint64_t{L::max_region_pages} * config.geometry.page_size;
      iov.length = static_cast<std::uint32_t>(
          jr::as_uint(*len, o.path("length"), 1, limit,
                      "a length from 1 to " + std::to_string(limit) + " bytes",
                      jr::QuotedNumber::hint));
    }
  } else {
    jr::bad(path, v, form);
  }

  const std::uint64_t begin = iov.address;
  if (iov.length > std::numeric_limits<std::uint64_t>::max() - begin)
    jr::fail(path, "buffer at " + jr::hex(begin) + " of " + std::to_string(iov.length) +
                       " bytes runs past the top of the address space");
  const std::uint64_t end = begin + iov.length;
  if (end > L::user_address_end && use == RefUse::location)
    jr::fail(path, "address " + jr::hex(begin) + " is a kernel address (at or above " +
                       jr::hex(L::user_address_end) + ", TASK_SIZE), expected a user address in a mapped region",
             "a user access there would be SIGSEGV, not a page fault");
  // Every byte below TASK_SIZE must lie in a declared region (walk the
  // regions it crosses); bytes from TASK_SIZE on are kernel memory, which
  // no region declares: access_ok refuses a buffer that reaches them.
  const std::uint64_t user_end = std::min(end, L::user_address_end);
  std::uint64_t a = begin;
  while (a < user_end) {
    const Region* r = region_at(config, a);
    if (r == nullptr) {
      std::uint64_t gap_end = user_end;
      for (const Region& o : config.regions)
        if (o.start > a && o.start < gap_end) gap_end = o.start;
      jr::fail(path,
               (a == begin && gap_end == end
                    ? "buffer " + jr::hex_range(begin, end) + " is"
                    : "bytes " + jr::hex_range(a, gap_end) + " of buffer " +
                          jr::hex_range(begin, end) + " are") +
                   " in no region of /memory; expected every byte in a declared region",
               "to make the copy fault there, declare an \"invalid\" region covering them");
    }
    if (use != RefUse::buffer && r->kind == Region::Kind::invalid)
      jr::fail(path, "address " + jr::hex(a) + " is in invalid region " + jr::quote(r->name) +
                         ", expected an anonymous or shared_file region",
               use == RefUse::location ? "a user access there would be SIGSEGV, not a page fault"
                                       : "");
    a = std::min<std::uint64_t>(user_end, r->start + r->length);
  }
  if (use == RefUse::range) {
    const std::uint32_t ps = config.geometry.page_size;
    if (begin % ps != 0 || iov.length % ps != 0)
      jr::fail(path, "range " + jr::hex_range(begin, end) + " is not whole pages, expected a "
                     "start and length that are multiples of page_size " + std::to_string(ps));
  }
  return iov;
}

}  // namespace checker::pagecache_keys
