// The differential test (checker/litmus/differential.hpp): generated
// single-thread scenarios, each run once on the model and once for real, on a
// tmpfs always and on ext4 and XFS loop images as root; the generator, the
// shrinker, and that a disagreement is caught and shrunk.
#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/litmus/differential.hpp"
#include "checker/litmus/generate.hpp"
#include "checker/litmus/real_run.hpp"
#include "checker/scenario/load.hpp"
#include "tests/checker/cli.hpp"
#include "tests/checker/litmus/mounts.hpp"

namespace {

using namespace checker::litmus;
using nlohmann::json;

// Seeds for the short run in ctest: cheap (one real iteration each), and
// enough to meet every call and shape the generator makes.
constexpr std::uint64_t kShortRun = 40;

void check_agrees(const std::string& where, const std::string& dir, const std::string& variant,
                  const std::string& data_path) {
  const DifferentialRun r = run_differential(1, kShortRun, variant, data_path, dir, nullptr);
  INFO(differential_text(r, where));
  CHECK(r.disagreements.empty());
  CHECK(r.compared + r.skipped.size() == kShortRun);
  CHECK(r.compared >= kShortRun * 9 / 10);
}

}  // namespace

TEST_CASE("differential: a seed gives one scenario, which loads and can run for real") {
  std::set<std::string> kinds;
  std::size_t kernel_buffers = 0;  // buffers at a kernel address, which access_ok refuses
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const json doc = generate_scenario(seed, "linux-6-ext4", "ext2");
    for (const json& op : doc["threads"][0]["ops"]) {
      if (op.contains("buf") && op["buf"].is_object() && op["buf"].contains("address")) ++kernel_buffers;
      if (op.contains("iov"))
        for (const json& v : op["iov"])
          if (v.is_object() && v.contains("address")) ++kernel_buffers;
    }
    CHECK(doc == generate_scenario(seed, "linux-6-ext4", "ext2"));
    const checker::Scenario s = checker::parse_scenario(doc, "generated");
    REQUIRE(s.pagecache);
    CHECK(why_not_real(*s.pagecache, 4096).empty());
    CHECK(s.pagecache->threads.size() == 1);
    for (const json& op : doc["threads"][0]["ops"]) kinds.insert(op["op"].get<std::string>());
  }
  CHECK(kernel_buffers > 0);
  CHECK(generate_scenario(1, "linux-6-ext4", "ext2") != generate_scenario(2, "linux-6-ext4", "ext2"));
  // Every call the issue names.
  CHECK(kinds == std::set<std::string>{"pwrite", "write", "writev", "pread", "read", "touch", "msync", "fsync",
                                       "munmap", "lseek", "close", "open"});
  // ... and O_APPEND on the thread's file (file15).
  std::size_t appending = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed)
    appending += generate_scenario(seed, "linux-6-ext4", "ext2")["threads"][0].contains("open_flags");
  CHECK(appending >= 20);
}

TEST_CASE("litmus: a kernel address goes to the kernel as it is, one only i386 calls kernel is refused") {
  json doc = generate_scenario(1, "linux-6-ext4", "ext2");
  doc["threads"][0]["ops"] = json::array({{{"op", "pwrite"},
                                           {"buf", {{"address", 0xffff800000000000ull}, {"length", 4}}},
                                           {"offset", 0}}});
  CHECK(why_not_real(*checker::parse_scenario(doc, "generated").pagecache, 4096).empty());
  // 0xc0000000 is a kernel address on i386, a user address with no vma on
  // x86-64, where the runner cannot promise that nothing is mapped.
  doc["threads"][0]["ops"][0]["buf"]["address"] = 0xC0000000ull;
  CHECK(why_not_real(*checker::parse_scenario(doc, "generated").pagecache, 4096).find("TASK_SIZE_MAX") !=
        std::string::npos);
}

TEST_CASE("differential: shrink keeps the failure and drops the rest") {
  // Fails while some op is a pwrite whose buffer runs past "src" (8 bytes)
  // into the unmapped page after it.
  const auto runs_into_gap = [](const json& doc) {
    for (const json& op : doc["threads"][0]["ops"])
      if (op["op"] == "pwrite" && op["buf"].is_object() && op["buf"].value("region", "") == "src" &&
          op["buf"]["offset"].get<int>() + op["buf"]["length"].get<int>() > 8)
        return true;
    return false;
  };
  json doc = generate_scenario(1, "linux-6-ext4", "ext2");
  doc["threads"][0]["ops"] = json::array({
      {{"op", "fsync"}},
      {{"op", "pwrite"}, {"buf", {{"region", "src"}, {"offset", 5}, {"length", 7}}}, {"offset", 0}},
      {{"op", "pread"}, {"buf", {{"region", "dst"}, {"offset", 0}, {"length", 4}}}, {"offset", 0}},
  });
  doc["file"]["content"] = "abcdef";
  const json small = shrink(doc, runs_into_gap);
  REQUIRE(small["threads"][0]["ops"].size() == 1);
  CHECK(small["threads"][0]["ops"][0]["buf"]["length"] == 4);  // 5 + 4 > 8; 5 + 3 is not
  CHECK(small["file"]["content"] == "");
  CHECK(runs_into_gap(small));
}

TEST_CASE("differential: a disagreement is caught and shrunk to its smallest scenario") {
  const std::string dir = "/dev/shm";
  // msync of a mapping with a hole: linux-2.4.0 says -EFAULT, the kernel -ENOMEM.
  json doc = checker::load_scenario(cli_test::source("scenarios/sequential/msync-range-with-a-hole.json")).json;
  doc.erase("expect_by_variant");
  doc.erase("variants");
  doc["threads"][0]["ops"].push_back({{"op", "fsync"}});
  doc["model"] = "linux-2.4.0";
  const CaseResult r = run_case(doc, "linux-2.4.0", dir, nullptr);
  REQUIRE(r.skipped.empty());
  CHECK(r.disagree());
  CHECK(r.model.find("msync=-14") != std::string::npos);
  CHECK(r.kernel.find("msync=-12") != std::string::npos);
  const json small = shrink(doc, [&](const json& c) { return run_case(c, "linux-2.4.0", dir, nullptr).disagree(); });
  CHECK(small["threads"][0]["ops"].size() == 2);  // the munmap and the msync; the fsync went
  CHECK(run_case(doc, "linux-6-ext4", dir, nullptr).agree());
}

TEST_CASE("differential: the model agrees with the kernel on generated scenarios") {
  const auto work = cli_test::workdir("differential", "litmus");
  std::optional<litmus_test::Mount> tmpfs;
  std::string dir = "/dev/shm";
  if (litmus_test::is_root()) {
    tmpfs.emplace(litmus_test::Mount::tmpfs(work / "tmpfs"));
    if (tmpfs->mounted()) dir = tmpfs->dir().string();
  }
  check_agrees("tmpfs at " + dir, dir, "linux-6-ext4", "ramfs");
  if (!litmus_test::is_root() || ::access("/dev/loop-control", F_OK) != 0) {
    MESSAGE("skipped ext4 and XFS: loop images need root and /dev/loop-control");
    return;
  }
  for (const std::string type : {"ext4", "xfs"}) {
    if (!litmus_test::have_tool("mkfs." + type)) {
      MESSAGE("skipped " << type << ": mkfs." << type << " is not installed (scripts/setup --test installs it)");
      continue;
    }
    const litmus_test::Mount m = litmus_test::Mount::loop(work / type, type);
    if (!m.mounted()) {
      MESSAGE("skipped " << type << ": the loop image could not be made or mounted");
      continue;
    }
    check_agrees(type + " at " + m.dir().string(), m.dir().string(), type == "xfs" ? "linux-6-xfs" : "linux-6-ext4",
                 "ext2");
  }
}
