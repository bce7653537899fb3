// The page-cache keys of scenario files: a full scenario read field by field,
// the defaults, the byte notation, and bad keys with their messages. The
// corpus of bad scenario files (tests/data/bad-scenarios/) is run through the
// CLI, as a user meets it, by tests/checker/io/.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "checker/scenario/pagecache_json.hpp"

namespace {

using nlohmann::json;
using namespace models::pagecache;

// Every page-cache key, and the generic keys that the loader must skip.
const char* const kFull = R"({
  "$schema": "../schema.json",
  "name": "full",
  "description": "every key",
  "model": "linux-2.4.0",
  "invariants": ["deadlock", "torn-read"],
  "explore": {"strategy": "dfs", "max_executions": 100},
  "expect": {"verdict": "pass"},
  "filesystem": "ramfs",
  "geometry": {"page_size": 4, "block_size": 2, "pages": 4, "copy_chunk": 1},
  "file": {"content": "AB\\x00\\\\EFGH", "cached": [0, 2]},
  "memory": [
    {"name": "src", "kind": "anonymous", "start": 16, "length": 8, "content": [66, 66, 255],
     "present": false},
    {"name": "map", "kind": "shared_file", "length": 4, "file_offset": 4},
    {"name": "bad", "kind": "invalid"}
  ],
  "threads": [
    {"name": "writer", "ops": [
      {"op": "write", "buf": "src"},
      {"op": "pwrite", "buf": {"region": "src", "offset": 2, "length": 3}, "offset": 1},
      {"op": "writev", "iov": ["map", {"address": 28, "length": 4}]},
      {"op": "fsync"}
    ]},
    {"ops": [
      {"op": "read", "buf": {"region": "src", "offset": 4}},
      {"op": "pread", "buf": {"address": 16, "length": 2}, "offset": 12},
      {"op": "touch", "at": {"region": "map", "offset": 3}, "store": true, "value": "Z"},
      {"op": "touch", "at": "src"},
      {"op": "msync", "range": "map"},
      {"op": "munmap", "range": {"region": "src", "offset": 4, "length": 4}}
    ]}
  ],
  "agents": [{"kind": "reclaim", "budget": 2}, {"kind": "writeback"}],
  "faults": {"copy_from_user": true, "read_io_error": false, "write_io_error": true}
})";

const char* const kMinimal = R"({
  "model": "linux-2.4.0",
  "filesystem": "ext2",
  "geometry": {"page_size": 4, "block_size": 2, "pages": 2},
  "memory": [{"name": "buf", "kind": "anonymous", "content": "BBBB"}],
  "threads": [{"ops": [{"op": "write", "buf": "buf"}]}]
})";

Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// The message of the InputError that reading `doc` throws, as the CLI prints
// it after the file name: "at /path: what".
std::string error_of(const json& doc) {
  try {
    (void)checker::pagecache_config_from_json(doc);
  } catch (const checker::InputError& e) {
    return e.message();
  }
  return "(no error)";
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a full scenario is read field by field") {
  const Config c = checker::pagecache_config_from_json(json::parse(kFull));
  CHECK(c.variant == "linux-2.4.0");
  CHECK(c.filesystem == Filesystem::ramfs);
  CHECK(c.geometry.page_size == 4);
  CHECK(c.geometry.block_size == 2);
  CHECK(c.geometry.pages == 4);
  CHECK(c.geometry.copy_chunk == 1);
  CHECK(c.file.content == Bytes{'A', 'B', 0, '\\', 'E', 'F', 'G', 'H'});
  CHECK(c.file.cached_pages == std::vector<std::uint32_t>{0, 2});

  REQUIRE(c.regions.size() == 3);
  CHECK(c.regions[0].name == "src");
  CHECK(c.regions[0].kind == Region::Kind::anonymous);
  CHECK(c.regions[0].start == 16);
  CHECK(c.regions[0].length == 8);
  CHECK(c.regions[0].content == Bytes{66, 66, 255});
  CHECK_FALSE(c.regions[0].present);
  CHECK(c.regions[1].kind == Region::Kind::shared_file);
  CHECK(c.regions[1].start == 24);  // right after "src"
  CHECK(c.regions[1].length == 4);
  CHECK(c.regions[1].file_offset == 4);
  CHECK(c.regions[1].present);
  CHECK(c.regions[2].kind == Region::Kind::invalid);
  CHECK(c.regions[2].start == 28);
  CHECK(c.regions[2].length == 4);  // one page by default

  REQUIRE(c.threads.size() == 2);
  CHECK(c.threads[0].name == "writer");
  CHECK(c.threads[1].name == "T1");
  const auto& w = c.threads[0].ops;
  REQUIRE(w.size() == 4);
  CHECK(w[0].kind == Operation::Kind::write);
  REQUIRE(w[0].iov.size() == 1);
  CHECK(w[0].iov[0].address == 16);
  CHECK(w[0].iov[0].length == 8);
  CHECK(w[1].kind == Operation::Kind::pwrite);
  CHECK(w[1].offset == 1);
  CHECK(w[1].iov[0].address == 18);
  CHECK(w[1].iov[0].length == 3);
  CHECK(w[2].kind == Operation::Kind::writev);
  REQUIRE(w[2].iov.size() == 2);
  CHECK(w[2].iov[0].address == 24);
  CHECK(w[2].iov[0].length == 4);
  CHECK(w[2].iov[1].address == 28);  // into the invalid region: allowed, it faults
  CHECK(w[2].iov[1].length == 4);
  CHECK(w[3].kind == Operation::Kind::fsync);
  CHECK(w[3].iov.empty());

  const auto& r = c.threads[1].ops;
  REQUIRE(r.size() == 6);
  CHECK(r[0].kind == Operation::Kind::read);
  CHECK(r[0].iov[0].address == 20);
  CHECK(r[0].iov[0].length == 4);  // to the end of the region
  CHECK(r[1].kind == Operation::Kind::pread);
  CHECK(r[1].offset == 12);
  CHECK(r[1].iov[0].address == 16);
  CHECK(r[1].iov[0].length == 2);
  CHECK(r[2].kind == Operation::Kind::touch);
  CHECK(r[2].iov[0].address == 27);
  CHECK(r[2].iov[0].length == 1);
  CHECK(r[2].store);
  CHECK(r[2].value == 'Z');
  CHECK(r[3].kind == Operation::Kind::touch);
  CHECK(r[3].iov[0].address == 16);
  CHECK_FALSE(r[3].store);
  CHECK(r[4].kind == Operation::Kind::msync);
  CHECK(r[4].iov[0].address == 24);
  CHECK(r[4].iov[0].length == 4);
  CHECK(r[5].kind == Operation::Kind::munmap);
  CHECK(r[5].iov[0].address == 20);
  CHECK(r[5].iov[0].length == 4);

  REQUIRE(c.agents.size() == 2);
  CHECK(c.agents[0].kind == AgentSpec::Kind::reclaim);
  CHECK(c.agents[0].budget == 2);
  CHECK(c.agents[1].kind == AgentSpec::Kind::writeback);
  CHECK(c.agents[1].budget == 1);
  CHECK(c.faults.copy_from_user);
  CHECK_FALSE(c.faults.read_io_error);
  CHECK(c.faults.write_io_error);
}

TEST_CASE("defaults of a minimal scenario") {
  const Config c = checker::pagecache_config_from_json(json::parse(kMinimal));
  CHECK(c.filesystem == Filesystem::ext2);
  CHECK(c.geometry.copy_chunk == 2);  // half a page: a page copy is two steps
  CHECK(c.file.content.empty());
  CHECK(c.file.cached_pages.empty());
  REQUIRE(c.regions.size() == 1);
  CHECK(c.regions[0].start == checker::PagecacheLimits::default_first_start);
  CHECK(c.regions[0].length == 4);
  CHECK(c.regions[0].content == bytes("BBBB"));
  CHECK(c.regions[0].present);
  CHECK(c.threads[0].name == "T0");
  CHECK(c.agents.empty());
  CHECK_FALSE(c.faults.copy_from_user);
  CHECK_FALSE(c.faults.read_io_error);
  CHECK_FALSE(c.faults.write_io_error);

  json doc = json::parse(kMinimal);
  doc["geometry"]["page_size"] = 1;
  doc["geometry"]["block_size"] = 1;
  doc["geometry"]["pages"] = 8;
  CHECK(checker::pagecache_config_from_json(doc).geometry.copy_chunk == 1);
  // A region's length defaults to enough pages for its content.
  doc = json::parse(kMinimal);
  doc["memory"][0]["content"] = "BBBBB";
  doc["geometry"]["pages"] = 4;
  CHECK(checker::pagecache_config_from_json(doc).regions[0].length == 8);
}

TEST_CASE("the byte notation: \\xHH and \\\\, round trip over every byte") {
  CHECK(checker::parse_byte_string("AB", "/p") == bytes("AB"));
  CHECK(checker::parse_byte_string("\\x00\\xfF\\\\", "/p") == Bytes{0, 255, '\\'});
  CHECK(checker::parse_byte_string("", "/p").empty());
  Bytes all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<std::uint8_t>(b));
  const std::string text = checker::format_byte_string(all);
  CHECK(checker::parse_byte_string(text, "/p") == all);
  CHECK(checker::format_byte_string(Bytes{'A', 0, '\\', 0x7f}) == "A\\x00\\\\\\x7f");

  auto error = [](std::string_view s) {
    try {
      (void)checker::parse_byte_string(s, "/file/content");
    } catch (const checker::InputError& e) {
      CHECK(e.path() == "/file/content");
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string escape =
      " of the string, expected an escape written \"\\\\xHH\" (two hex digits) or \"\\\\\\\\\" in JSON text";
  CHECK(error("A\\x0") == "found \"\\\\x0\" at character 2" + escape);
  CHECK(error("\\q") == "found \"\\\\q\" at character 1" + escape);
  CHECK(error("\\") == "found \"\\\\\" at character 1" + escape);
  CHECK(error("\\xZZ") == "found \"\\\\xZZ\" at character 1" + escape);
  CHECK(error("ok\xc3\xa9") == "found a non-ASCII character at character 3 of the string, expected ASCII");
}

TEST_CASE("keys of the generic loader are skipped, others rejected") {
  json doc = json::parse(kMinimal);
  doc["name"] = 42;  // the generic loader's business, not this one's
  doc["expect"] = "anything";
  CHECK(error_of(doc) == "(no error)");
  doc["filesytem"] = "ext2";
  CHECK(error_of(doc) ==
        "at /filesytem: found an unknown key \"filesytem\" in a scenario, expected one of \"model\", "
        "\"filesystem\", \"geometry\", \"file\", \"memory\", \"threads\", \"agents\", \"faults\", "
        "\"name\", \"description\", \"invariants\", \"explore\", \"expect\", \"$schema\", "
        "\"variants\", \"expect_by_variant\", \"explore_by_variant\", \"conditions\"");
}

TEST_CASE("an unknown key's path is escaped as RFC 6901 says") {
  json doc = json::parse(kMinimal);
  doc["geometry"]["a/b~c"] = 1;
  try {
    (void)checker::pagecache_config_from_json(doc);
    FAIL("no error");
  } catch (const checker::InputError& e) {
    CHECK(e.path() == "/geometry/a~1b~0c");
  }
}

TEST_CASE("hints: did you mean") {
  json doc = json::parse(kMinimal);
  doc["threads"][0]["ops"][0]["op"] = "wrte";
  try {
    (void)checker::pagecache_config_from_json(doc);
    FAIL("no error");
  } catch (const checker::InputError& e) {
    CHECK(e.path() == "/threads/0/ops/0/op");
    CHECK(std::string(e.what()) ==
          "found \"wrte\", expected one of \"write\", \"read\", \"pwrite\", \"pread\", "
          "\"writev\", \"touch\", \"munmap\", \"msync\", \"fsync\", \"lseek\", \"close\", \"open\", \"ftruncate\"");
    CHECK(e.hint() == "did you mean \"write\"?");
  }
}

TEST_CASE("a buffer may point into an invalid region, not into undeclared memory") {
  json doc = json::parse(kMinimal);
  doc["memory"].push_back({{"name", "hole"}, {"kind", "invalid"}});
  doc["threads"][0]["ops"][0]["buf"] = {{"region", "buf"}, {"offset", 2}, {"length", 4}};
  const Config c = checker::pagecache_config_from_json(doc);
  CHECK(c.threads[0].ops[0].iov[0].address == 0x1002);
  CHECK(c.threads[0].ops[0].iov[0].length == 4);
  doc["threads"][0]["ops"][0]["buf"] = {{"address", 0x1004}, {"length", 4}};
  CHECK(error_of(doc) == "(no error)");
  doc["threads"][0]["ops"][0]["buf"] = {{"address", 0x1006}, {"length", 4}};
  CHECK(error_of(doc) ==
        "at /threads/0/ops/0/buf: bytes [0x1008, 0x100a) of buffer [0x1006, 0x100a) are in no "
        "region of /memory; expected every byte in a declared region");
}

TEST_CASE("a buffer or a range may reach kernel addresses, which no region declares, a touch may not") {
  json doc = json::parse(kMinimal);
  const std::uint64_t kernel = 0xffff800000000000ull;
  doc["threads"][0]["ops"][0]["buf"] = {{"address", kernel}, {"length", 4}};
  Config c = checker::pagecache_config_from_json(doc);
  CHECK(c.threads[0].ops[0].iov[0].address == kernel);
  CHECK(c.threads[0].ops[0].iov[0].length == 4);
  // From TASK_SIZE on; a buffer that straddles it needs a region for its
  // user part only.
  doc["memory"][0]["start"] = 0xC0000000ull - 4;
  doc["threads"][0]["ops"][0]["buf"] = {{"region", "buf"}, {"offset", 2}, {"length", 4}};
  c = checker::pagecache_config_from_json(doc);
  CHECK(c.threads[0].ops[0].iov[0].address == 0xC0000000ull - 2);
  // With a gap below TASK_SIZE, the gap is named (not the kernel part).
  doc["memory"][0]["start"] = 0xC0000000ull - 8;
  doc["threads"][0]["ops"][0]["buf"]["length"] = 8;
  CHECK(error_of(doc) ==
        "at /threads/0/ops/0/buf: bytes [0xbffffffc, 0xc0000000) of buffer [0xbffffffa, 0xc0000002) are in no "
        "region of /memory; expected every byte in a declared region");
  doc["threads"][0]["ops"][0] = {{"op", "munmap"}, {"range", {{"address", kernel}, {"length", 4}}}};
  CHECK(error_of(doc) == "(no error)");
  doc["threads"][0]["ops"][0] = {{"op", "write"}, {"buf", {{"address", ~std::uint64_t{0} - 1}, {"length", 4}}}};
  CHECK(error_of(doc) ==
        "at /threads/0/ops/0/buf: buffer at 0xfffffffffffffffe of 4 bytes runs past the top of the address space");
  doc["threads"][0]["ops"][0] = {{"op", "touch"}, {"at", {{"address", 0xC0000000ull}}}};
  CHECK(error_of(doc) ==
        "at /threads/0/ops/0/at: address 0xc0000000 is a kernel address (at or above 0xc0000000, TASK_SIZE), "
        "expected a user address in a mapped region");
}

TEST_CASE("limits: threads, ops, budgets") {
  json doc = json::parse(kMinimal);
  json thread = doc["threads"][0];
  doc["threads"] = json::array();
  for (std::size_t i = 0; i < checker::PagecacheLimits::max_threads; ++i) {
    thread["name"] = std::string(1, 'w').append(std::to_string(i));  // not "w" + ...: a GCC 12 -Wrestrict false positive
    doc["threads"].push_back(thread);
  }
  doc["geometry"]["pages"] = 64;
  CHECK(error_of(doc) == "(no error)");
  doc["threads"].push_back(thread);
  CHECK(error_of(doc) == "at /threads: found 17 entries, expected from 1 to 16 entries");

  doc = json::parse(kMinimal);
  doc["agents"] = json::array({{{"kind", "reclaim"}, {"budget", 64}}});
  CHECK(error_of(doc) == "(no error)");
  doc["agents"][0]["budget"] = 65;
  CHECK(error_of(doc) ==
        "at /agents/0/budget: found 65, expected a budget from 1 to 64 acts per execution");
}

TEST_CASE("scenarios/schema.json names the keys and values the loader takes") {
  const json schema =
      json::parse(read_text(std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "scenarios" / "schema.json"));
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema["additionalProperties"] == false);

  // Every top-level key of the schema is one the loader reads or skips (and
  // "params", for example models), and the other way round.
  std::vector<std::string> keys;
  for (const auto& [k, v] : schema["properties"].items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> loader = {"model", "filesystem", "geometry", "file", "memory", "threads",
                                     "agents", "faults", "name", "description", "invariants",
                                     "explore", "expect", "$schema", "params", "variants",
                                     "expect_by_variant", "explore_by_variant", "conditions"};
  std::sort(loader.begin(), loader.end());
  CHECK(keys == loader);
  // Every key of the full scenario is in the schema.
  const json full = json::parse(kFull);
  for (const auto& [k, v] : full.items()) CHECK(schema["properties"].contains(k));

  // Operations: the same names, the same keys each.
  std::vector<std::string> ops;
  for (const json& o : schema["$defs"]["op"]["oneOf"]) {
    ops.push_back(o["properties"]["op"]["const"]);
    CHECK(o["additionalProperties"] == false);
  }
  CHECK(ops == std::vector<std::string>{"write", "read", "pwrite", "pread", "writev", "touch",
                                        "munmap", "msync", "fsync", "lseek", "close", "open", "ftruncate"});
  // A thread's open_flags: the flags the loader takes (file15).
  CHECK(schema["properties"]["threads"]["items"]["properties"]["open_flags"]["items"]["enum"] == json({"O_APPEND"}));
  for (const json& o : schema["$defs"]["op"]["oneOf"]) {
    json doc = json::parse(kMinimal);
    const std::string kind = o["properties"]["op"]["const"];
    // A key the schema does not list for this kind is rejected by the loader.
    json op = {{"op", kind}, {"no_such_key", 1}};
    doc["threads"][0]["ops"][0] = op;
    CHECK(error_of(doc).find("/threads/0/ops/0") != std::string::npos);
  }
  CHECK(schema["properties"]["filesystem"]["enum"] == json({"ext2", "ramfs"}));
  CHECK(schema["$defs"]["region"]["properties"]["kind"]["enum"] ==
        json({"anonymous", "shared_file", "invalid"}));
  CHECK(schema["properties"]["agents"]["items"]["properties"]["kind"]["enum"] ==
        json({"reclaim", "writeback"}));
  CHECK(schema["properties"]["threads"]["maxItems"] == checker::PagecacheLimits::max_threads);
  CHECK(schema["properties"]["geometry"]["properties"]["pages"]["maximum"] ==
        checker::PagecacheLimits::max_pages);
  CHECK(schema["properties"]["agents"]["items"]["properties"]["budget"]["maximum"] ==
        checker::PagecacheLimits::max_budget);
  // Regions and touches below TASK_SIZE; buffers and ranges anywhere.
  CHECK(schema["$defs"]["address"]["maximum"] == checker::PagecacheLimits::user_address_end - 1);
  CHECK(schema["$defs"]["buffer_address"]["maximum"] == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("the whole scenarios in docs/scenario-format.md load") {
  const std::string doc =
      read_text(std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "docs" / "scenario-format.md");
  int whole = 0;
  for (std::size_t at = doc.find("```json\n"); at != std::string::npos;
       at = doc.find("```json\n", at + 1)) {
    const std::size_t begin = at + 8, end = doc.find("```", begin);
    REQUIRE(end != std::string::npos);
    const json j = json::parse(doc.substr(begin, end - begin), nullptr, false);
    if (j.is_discarded()) continue;  // a fragment, not a whole file
    CAPTURE(doc.substr(begin, 80));
    CHECK(error_of(j) == "(no error)");
    ++whole;
  }
  CHECK(whole >= 2);
}
