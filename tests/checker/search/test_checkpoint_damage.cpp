// Damaged checkpoints that are still valid JSON: a bit flipped, an emptied
// frontier, a duplicated piece, counts past any search, a schedule point
// that took a thread that could not run. Each is refused by --resume with
// exit 2 and one line naming the JSON path; none resumes to a verdict.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "checker/search/checkpoint.hpp"
#include "tests/checker/cli.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

const std::string kScenario = source("scenarios/seed/torn-read-half-copied-page.json");

// A dfs search of two workers cut at 3000 executions (its violation is at
// 6427), so that its tree has several pieces and a frontier.
json tree_checkpoint(const fs::path& dir) {
  const Cli r = run(dir, "run --strategy dfs --jobs 2 --no-progress --no-trace --max-executions 3000 "
                         "--checkpoint c.json '" + kScenario + "'");
  REQUIRE(r.code == 4);
  return json::parse(slurp(dir / "c.json"));
}

// Writes `doc` as a checkpoint, its checksum made right (an edit that a
// checksum alone would not catch) unless `keep_checksum`.
void save(const fs::path& file, json doc, bool keep_checksum = false) {
  if (!keep_checksum) doc["checksum"] = checker::checkpoint_checksum(doc);
  write(file, doc.dump(1));
}

// `run --resume FILE` with the checkpoint's settings: exit 2, one line
// naming the file and `at`, and nothing else (no verdict).
void refused(const fs::path& dir, const std::string& strategy, const std::string& file, const std::string& at,
             const std::string& scenario = kScenario) {
  const Cli r = run(dir, "run --strategy " + strategy + " --no-progress --no-trace --resume " + file + " '" +
                             scenario + "'");
  CAPTURE(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("interleave: " + file + ": at " + at + ": "));
  CHECK(has(r.err, "\nhint: "));
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("checkpoint damage: a bit flipped anywhere is caught by the checksum") {
  const fs::path dir = workdir("flip", "damage");
  tree_checkpoint(dir);
  const std::string text = slurp(dir / "c.json");
  // The first digit of the frontier, one bit flipped: "3" becomes "2", say.
  std::string flipped = text;
  const std::size_t at = flipped.find_first_of("0123456789", flipped.find("\"frontier\""));
  REQUIRE(at != std::string::npos);
  flipped[at] = static_cast<char>(flipped[at] ^ 1);
  write(dir / "flipped.json", flipped);
  refused(dir, "dfs", "flipped.json", "/checksum");
  // The checksum itself, flipped.
  std::string sum = text;
  const std::size_t s = sum.find("\"checksum\": \"") + 13;
  sum[s] = static_cast<char>(sum[s] ^ 1);
  write(dir / "sum.json", sum);
  refused(dir, "dfs", "sum.json", "/checksum");
  // Left out, and a checkpoint of version 1 (which had none).
  json doc = json::parse(text);
  doc.erase("checksum");
  save(dir / "none.json", doc, true);
  refused(dir, "dfs", "none.json", "/checksum");
  doc = json::parse(text);
  doc["version"] = 1;
  save(dir / "v1.json", doc);
  refused(dir, "dfs", "v1.json", "/version");
  // The undamaged file resumes.
  CHECK(run(dir, "run --strategy dfs --jobs 2 --no-progress --no-trace --max-executions 10 --resume c.json '" +
                     kScenario + "'")
            .code == 4);
}

TEST_CASE("checkpoint damage: a tree that does not hold together is refused, even with its checksum made right") {
  const fs::path dir = workdir("tree", "damage");
  const json doc = tree_checkpoint(dir);
  REQUIRE(doc["tree"]["pieces"].size() >= 2);
  REQUIRE(!doc["tree"]["frontier"].empty());

  json d = doc;  // an emptied frontier: would be a "complete" pass after 3000 executions
  d["tree"]["frontier"] = json::array();
  save(dir / "emptied.json", d);
  refused(dir, "dfs", "emptied.json", "/finished");

  d = doc;  // a piece twice
  d["tree"]["pieces"].push_back(d["tree"]["pieces"].back());
  save(dir / "twice.json", d);
  refused(dir, "dfs", "twice.json", "/tree/pieces/" + std::to_string(doc["tree"]["pieces"].size()) + "/key");

  d = doc;  // a count no search reaches (2^63)
  d["tree"]["pieces"][0]["executions"] = std::uint64_t{1} << 63;
  save(dir / "huge.json", d);
  refused(dir, "dfs", "huge.json", "/tree/pieces/0/executions");

  d = doc;  // a subtree left to explore that was explored already
  d["tree"]["frontier"][0] = d["tree"]["pieces"][0]["key"];
  save(dir / "overlap.json", d);
  refused(dir, "dfs", "overlap.json", "/tree/frontier/0");

  d = doc;  // the frontier out of order
  d["tree"]["frontier"].push_back(d["tree"]["frontier"][0]);
  save(dir / "order.json", d);
  refused(dir, "dfs", "order.json", "/tree/frontier/" + std::to_string(doc["tree"]["frontier"].size()));
}

TEST_CASE("checkpoint damage: a DPOR schedule point that took a thread that could not run is refused") {
  const fs::path dir = workdir("dpor", "damage");
  const std::string pass = source("scenarios/seed/control-write-then-read.json");  // over 300 executions
  REQUIRE(run(dir, "run --strategy dpor --no-progress --no-trace --max-executions 300 --checkpoint d.json '" +
                       pass + "'")
              .code == 4);
  const json doc = json::parse(slurp(dir / "d.json"));
  REQUIRE(!doc["dpor"]["strategy"]["nodes"].empty());
  json d = doc;
  json& node = d["dpor"]["strategy"]["nodes"][0];
  std::uint64_t not_enabled = 0;
  while ((node["enabled"].get<std::uint64_t>() >> not_enabled) & 1) ++not_enabled;
  node["chosen"] = not_enabled;
  save(dir / "chosen.json", d);
  refused(dir, "dpor", "chosen.json", "/dpor/strategy", pass);  // DporStrategy::restore's check

  d = doc;  // done, but not marked finished
  d["dpor"]["strategy"]["done"] = true;
  save(dir / "done.json", d);
  refused(dir, "dpor", "done.json", "/finished", pass);
}
