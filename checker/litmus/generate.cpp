#include "checker/litmus/generate.hpp"

#include <algorithm>
#include <vector>

#include "checker/io/input_error.hpp"
#include "checker/scenario/load.hpp"
#include "checker/strategies/random.hpp"

namespace checker::litmus {

namespace {

using nlohmann::json;

// The layout every generated scenario shares (page size 4, regions listed in
// order are contiguous from 0x1000): a source, an unmapped page, a
// destination, another unmapped page, then the mapping of the file. A buffer
// that runs past the end of `src` or `dst` runs into unmapped memory.
constexpr std::uint32_t kPage = 4;
constexpr std::uint32_t kSrc = 8, kDst = 8;
// The start of x86-64's kernel half (Documentation/arch/x86/x86_64/mm.rst),
// a kernel address for every variant.
constexpr std::uint64_t kKernelBuffer = 0xffff800000000000ull;

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  std::uint32_t below(std::uint32_t n) { return rng_.below(n); }
  bool chance(std::uint32_t percent) { return rng_.below(100) < percent; }
  // In [lo, hi].
  std::uint32_t range(std::uint32_t lo, std::uint32_t hi) { return lo + rng_.below(hi - lo + 1); }

 private:
  Xoshiro256 rng_;
};

std::string bytes_from(Draw& d, std::uint32_t n, char first, std::uint32_t letters) {
  std::string s;
  for (std::uint32_t i = 0; i < n; ++i) s += static_cast<char>(first + d.below(letters));
  return s;
}

// A buffer in `region` (of `size` bytes, followed by an unmapped page): an
// odd start and a length that may run into the unmapped page; sometimes the
// unmapped page alone.
json buffer(Draw& d, const std::string& region, std::uint32_t size, const std::string& unmapped) {
  if (d.chance(8)) {
    // Sometimes at a kernel address, which access_ok refuses (the runner
    // passes it to the real kernel as it is).
    if (d.chance(25)) return json{{"address", kKernelBuffer}, {"length", d.range(1, kPage)}};
    return json{{"region", unmapped}, {"offset", 0}, {"length", d.range(1, kPage)}};
  }
  const std::uint32_t offset = d.below(size);
  const std::uint32_t room = size - offset;
  const std::uint32_t length = d.chance(20) ? d.range(room + 1, room + kPage) : d.range(1, room);
  return json{{"region", region}, {"offset", offset}, {"length", length}};
}

// file15: the open file's own calls, drawn from a stream of their own so
// that every seed keeps the scenario it gave before them, which only gains
// them: O_APPEND on the thread's file, lseek, and close with (usually) an
// open after it, put between the drawn operations. A scenario the loader
// refuses with them (an append or a write after SEEK_END that may run past
// the largest file) keeps the operations it had.
void add_open_file_calls(json& doc, std::uint64_t seed) {
  Draw e(stream_seed(seed, 0xf15e));
  json candidate = doc;
  json& thread = candidate["threads"][0];
  json& ops = thread["ops"];
  if (e.chance(30)) thread["open_flags"] = json::array({"O_APPEND"});
  const std::uint32_t seeks = e.below(3);
  for (std::uint32_t k = 0; k < seeks; ++k) {
    static const char* const whences[] = {"SEEK_SET", "SEEK_CUR", "SEEK_END"};
    const std::uint32_t w = e.below(3);
    const std::int64_t offset = w == 0 ? static_cast<std::int64_t>(e.below(8)) : static_cast<std::int64_t>(e.below(7)) - 3;
    ops.insert(ops.begin() + e.below(static_cast<std::uint32_t>(ops.size()) + 1),
               json{{"op", "lseek"}, {"offset", offset}, {"whence", whences[w]}});
  }
  if (e.chance(25)) {
    const std::uint32_t at = e.below(static_cast<std::uint32_t>(ops.size()) + 1);
    ops.insert(ops.begin() + at, json{{"op", "close"}});
    if (e.chance(75))
      ops.insert(ops.begin() + at + 1 + e.below(static_cast<std::uint32_t>(ops.size()) - at), json{{"op", "open"}});
  }
  try {
    (void)checker::parse_scenario(candidate, "generated");
  } catch (const InputError&) {
    return;
  }
  doc = std::move(candidate);
}

}  // namespace

json generate_scenario(std::uint64_t seed, const std::string& variant, const std::string& filesystem) {
  Draw d(stream_seed(seed, 0x5eed));
  const std::uint32_t pages = d.range(2, 4);
  const std::uint32_t max_file = pages * kPage;
  const std::uint32_t block = std::vector<std::uint32_t>{1, 2, 4}[d.below(3)];
  const std::uint32_t size = d.chance(10) ? 0 : d.range(1, max_file - 2);
  const std::string content = bytes_from(d, size, 'a', 4);
  // The mapping: one page, or two when the file has them (a present mapping
  // maps only pages the file has at the start).
  const std::uint32_t file_pages = (size + kPage - 1) / kPage;
  const std::uint32_t map_pages = file_pages >= 2 && d.chance(50) ? 2 : 1;
  const bool present = file_pages >= map_pages && d.chance(50);
  json memory = json::array({
      {{"name", "src"}, {"kind", "anonymous"}, {"content", bytes_from(d, kSrc, 'A', 8)}},
      {{"name", "gap1"}, {"kind", "invalid"}, {"length", kPage}},
      {{"name", "dst"}, {"kind", "anonymous"}, {"length", kDst}},
      {{"name", "gap2"}, {"kind", "invalid"}, {"length", kPage}},
      {{"name", "map"}, {"kind", "shared_file"}, {"length", map_pages * kPage}, {"present", present}},
  });

  const std::uint32_t nops = d.range(1, 5);
  const bool unmaps = d.chance(15);  // then no touch of the mapping at all (a real SIGSEGV after it)
  json ops = json::array();
  std::uint64_t f_pos = 0;  // the furthest write/read could start (the loader's max_pos)
  for (std::uint32_t k = 0; k < nops; ++k) {
    const std::uint32_t pick = d.below(unmaps ? 9 : 11);
    json op;
    switch (pick) {
      case 0:
      case 1: {  // pwrite, sometimes from the mapping of the file itself
        const std::uint32_t mapped = std::min(map_pages * kPage, size);  // mapped bytes the file has
        if (mapped > 0 && d.chance(12)) {
          // From bytes the file has at the start (the runner reads what a
          // write from a mapping wrote from the file itself, before and after
          // the call), to a range apart from them (else the source changes
          // under the call, which only the refinement rule can compare).
          const std::uint32_t from = d.below(mapped);
          const std::uint32_t len = d.range(1, std::min<std::uint32_t>(2, mapped - from));
          const std::uint32_t at = d.range(0, max_file - len);
          if (at < from + len && from < at + len) continue;
          op = {{"op", "pwrite"}, {"buf", {{"region", "map"}, {"offset", from}, {"length", len}}}, {"offset", at}};
          break;
        }
        json buf = buffer(d, "src", kSrc, "gap1");
        const std::uint32_t len = buf["length"].get<std::uint32_t>();
        if (len > max_file) continue;
        const std::uint32_t at = d.range(0, max_file - len);
        op = {{"op", "pwrite"}, {"buf", buf}, {"offset", at}};
        break;
      }
      case 2: {  // write at the file position
        json buf = buffer(d, "src", kSrc, "gap1");
        const std::uint32_t len = buf["length"].get<std::uint32_t>();
        if (f_pos + len > max_file) continue;
        f_pos += len;
        op = {{"op", "write"}, {"buf", buf}};
        break;
      }
      case 3: {  // writev: two buffers, the second maybe unmapped
        json a = {{"region", "src"}, {"offset", d.below(4)}, {"length", d.range(1, 3)}};
        json b = buffer(d, "src", kSrc, "gap1");
        const std::uint64_t len = a["length"].get<std::uint64_t>() + b["length"].get<std::uint64_t>();
        if (f_pos + len > max_file) continue;
        f_pos += len;
        op = {{"op", "writev"}, {"iov", json::array({a, b})}};
        break;
      }
      case 4:
      case 5: {  // pread, also past EOF; sometimes into the mapping of the file itself
        const std::uint32_t mapped = std::min(map_pages, file_pages) * kPage;
        json buf = buffer(d, "dst", kDst, "gap2");
        if (!unmaps && mapped > 0 && d.chance(12)) {
          const std::uint32_t at = d.below(mapped);
          buf = {{"region", "map"}, {"offset", at}, {"length", d.range(1, mapped - at)}};
        }
        op = {{"op", "pread"}, {"buf", buf}, {"offset", d.below(max_file + 1)}};
        break;
      }
      case 6:
        op = {{"op", "read"}, {"buf", buffer(d, "dst", kDst, "gap2")}};
        f_pos += op["buf"]["length"].get<std::uint64_t>();  // as the loader counts it
        break;
      case 7: {  // msync of the mapping, or of its first page
        op = {{"op", "msync"},
              {"range", map_pages == 2 && d.chance(30) ? json{{"region", "map"}, {"offset", 0}, {"length", kPage}}
                                                       : json("map")}};
        break;
      }
      case 8:
        if (unmaps && d.chance(50)) {
          // munmap of the mapping's last page (a real hole in it: msync of
          // the whole mapping then meets an unmapped range), or all of it.
          op = {{"op", "munmap"},
                {"range", map_pages == 2 ? json{{"region", "map"}, {"offset", kPage}, {"length", kPage}}
                                         : json("map")}};
        } else {
          op = {{"op", "fsync"}};
        }
        break;
      default: {  // a load or a store through the mapping, in a page the file has at the start
        if (file_pages == 0) continue;
        const std::uint32_t at = d.below(std::min(map_pages, file_pages) * kPage);
        op = {{"op", "touch"}, {"at", {{"region", "map"}, {"offset", at}}}};
        if (d.chance(70)) op["store"] = true, op["value"] = bytes_from(d, 1, 'V', 4);
        break;
      }
    }
    ops.push_back(op);
  }
  if (ops.empty()) ops.push_back({{"op", "fsync"}});
  json doc = {
      {"name", "generated-" + std::to_string(seed)},
      {"model", variant},
      {"filesystem", filesystem},
      {"geometry", {{"page_size", kPage}, {"block_size", block}, {"pages", pages}}},
      {"file", {{"content", content}}},
      {"memory", memory},
      {"threads", json::array({{{"name", "t"}, {"ops", ops}}})},
      {"invariants", json::array({"deadlock", "kernel-bug"})},
      {"explore", {{"strategy", "dpor"}}},
  };
  add_open_file_calls(doc, seed);
  return doc;
}

}  // namespace checker::litmus
