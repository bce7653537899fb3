// `interleave litmus` (checker/litmus, docs/litmus.md): the abstraction
// between model bytes and real slices, the comparison, recorded outcome
// files through the CLI (one with an outcome the model does not allow), bad
// input, and real runs: on a tmpfs (mounted for the test as root, /dev/shm
// otherwise), and on ext4 and XFS loop images when the test runs as root and
// mkfs.ext4 / mkfs.xfs are there (it says so when it skips them). Every
// mount, loop device and file is undone by a guard, on every way out.
#include <doctest/doctest.h>

#include <algorithm>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/litmus/abstraction.hpp"
#include "checker/litmus/compare.hpp"
#include "checker/scenario/load.hpp"
#include "tests/checker/cli.hpp"
#include "tests/checker/litmus/mounts.hpp"
#include "tests/checker/subprocess.hpp"

namespace {

namespace fs = std::filesystem;
using namespace checker::litmus;
using cli_test::has;
using cli_test::source;
using litmus_test::have_tool;
using litmus_test::is_root;
using litmus_test::Mount;

// The files litmus may have left in `dir`: none, on every way out.
std::vector<std::string> litmus_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("interleave-litmus-", 0) == 0) out.push_back(e.path().string());
  return out;
}

// The outcomes the model allows for a scenario on a variant, as `interleave
// check --update` wrote them into the file (computed by the tool).
std::set<std::string> expected_outcomes(const std::string& file, const std::string& variant) {
  const checker::Scenario s = checker::load_scenario(file);
  for (const auto& [v, e] : s.expect_by_variant)
    if (v == variant && e.outcomes) return {e.outcomes->begin(), e.outcomes->end()};
  // One "expect" for every variant the file lists (scenarios/sequential/).
  if (s.expect && s.expect->outcomes && std::find(s.variants.begin(), s.variants.end(), variant) != s.variants.end())
    return {s.expect->outcomes->begin(), s.expect->outcomes->end()};
  FAIL("no outcomes for " << variant << " in " << file);
  return {};
}

// Runs litmus on `scenario` in `dir` with a short budget; returns the exit
// code and its single result from --json.
std::pair<int, nlohmann::json> litmus_in(const fs::path& work, const std::string& scenario, const fs::path& dir,
                                          const std::string& budget = "--iterations 300 --seconds 20") {
  const cli_test::Cli c =
      cli_test::run(work, "litmus " + source(scenario) + " --dir '" + dir.string() + "' " + budget + " --json out.json");
  INFO(c.out << c.err);
  CHECK(litmus_files(dir).empty());
  if (c.code == 2) return {c.code, {}};
  const nlohmann::json doc = nlohmann::json::parse(cli_test::slurp(work / "out.json"));
  REQUIRE(doc["results"].size() == 1);
  return {c.code, doc["results"][0]};
}

std::set<std::string> seen(const nlohmann::json& result) {
  std::set<std::string> out;
  for (const auto& o : result["outcomes"])
    if (o["count"].get<std::uint64_t>() > 0) out.insert(o["outcome"].get<std::string>());
  return out;
}

// The deterministic cases (one thread, or reclaim beside it): the kernel
// must show exactly the model's one outcome, every iteration.
void check_deterministic(const fs::path& work, const fs::path& dir, const std::string& variant) {
  // ... and file15's open file: O_APPEND (pwrite's too), lseek, a failed
  // append's position, close and open again.
  for (const char* scenario :
       {"scenarios/litmus/writev-bad-middle.json", "scenarios/litmus/write-partly-unmapped-buffer.json",
        "scenarios/litmus/pwrite-from-own-mapping-reclaim.json", "scenarios/litmus/kernel-buffer.json",
        "scenarios/sequential/append-pwrite-lseek.json", "scenarios/sequential/append-failed-write-position.json",
        "scenarios/sequential/close-then-open-again.json",
        // ftruncate's (issue 15)
        "scenarios/sequential/truncate-shrink-then-grow.json", "scenarios/sequential/truncate-then-write-past-eof.json"}) {
    INFO(scenario << " in " << dir);
    const auto [code, result] = litmus_in(work, scenario, dir);
    CHECK(code == 0);
    CHECK(result["variant"] == variant);
    CHECK(result["iterations"] == 300);
    CHECK(seen(result) == expected_outcomes(source(scenario), variant));
  }
}

// A racing case: whatever the kernel showed, every iteration is counted, and
// an outcome is "not allowed" exactly when the model's set lacks it and the
// refinement rule (a slice torn between two values) does not allow it.
void check_racing(const fs::path& work, const fs::path& dir, const std::string& scenario, const std::string& variant) {
  INFO(scenario << " in " << dir);
  const auto [code, result] = litmus_in(work, scenario, dir);
  REQUIRE(code != 2);
  // A variant whose verdict is a torn read lists no outcomes in the file:
  // the model's set as litmus computes it.
  const std::set<std::string> model = model_outcomes(checker::load_scenario(source(scenario)), variant).outcomes;
  REQUIRE_FALSE(model.empty());
  std::uint64_t total = 0;
  bool not_allowed = false;
  for (const auto& o : result["outcomes"]) {
    total += o["count"].get<std::uint64_t>();
    const std::string line = o["outcome"];
    const bool refined = model.count(line) == 0 && allowed_by_refinement(model, line);
    CHECK(o["allowed"] == (model.count(line) == 1 || refined));
    CHECK(o["refined"] == refined);
    if (o["count"].get<std::uint64_t>() > 0 && !o["allowed"].get<bool>()) not_allowed = true;
  }
  CHECK(total == result["iterations"].get<std::uint64_t>());
  CHECK(code == (not_allowed ? 1 : 0));
}

}  // namespace

TEST_CASE("litmus: a model byte is a slice of a real page, a slice that disagrees is a marker") {
  const Abstraction abs(4, 4096);
  CHECK(abs.slice() == 1024);
  CHECK(abs.real(6) == 6144);  // model page 1, byte 2
  const std::vector<std::uint8_t> real = abs.expand({'A', 'B', 0, '\\'});
  REQUIRE(real.size() == 4096);
  CHECK(real[1023] == 'A');
  CHECK(real[1024] == 'B');
  CHECK(show_abstract(abs.collapse(real.data(), real.size())) == "\"AB\\x00\\x5c\"");
  std::vector<std::uint8_t> torn = real;
  torn[1500] = 'A';  // byte 1's slice half old, half new
  const std::vector<AbstractByte> back = abs.collapse(torn.data(), torn.size());
  CHECK(back[1] == torn_between('B', 'A'));
  CHECK(torn_values(back[1]) == std::pair<std::uint8_t, std::uint8_t>{'A', 'B'});
  const std::string shown = show_abstract(back);
  CHECK(shown == "\"A\\?{41,42}\\x00\\x5c\"");
  CHECK(torn_slices_in(shown) == 1);
  REQUIRE(torn_markers_in(shown).size() == 1);
  CHECK(torn_markers_in(shown)[0].at == 2);
  CHECK(torn_markers_in(shown)[0].length == 9);
  // A slice torn among three values keeps none: the plain marker.
  torn[1600] = 0;
  CHECK(show_abstract(abs.collapse(torn.data(), torn.size())) == "\"A\\?\\x00\\x5c\"");
  CHECK_FALSE(torn_markers_in("\"A\\?\\x00\"")[0].values.has_value());
  // A backslash byte is \x5c, never "\\" followed by "?": no false marker.
  CHECK(torn_slices_in("\"\\\\?\"") == 0);
  CHECK(abs.show_count(2048) == "2");
  CHECK(abs.show_count(-14) == "-14");
  CHECK(abs.show_count(1500) == "<1500 real bytes>");
  CHECK_THROWS(Abstraction(3, 4096));
}

TEST_CASE("litmus: an outcome is allowed only when the model's set holds it, a torn slice never") {
  const std::set<std::string> model = {"T0.0 pread=2 \"AA\"", "T0.0 pread=2 \"BB\"", "T0.0 pread=2 \"AB\""};
  const std::map<std::string, Seen> observed = {
      {"T0.0 pread=2 \"AA\"", {90, 1}}, {"T0.0 pread=2 \"BA\"", {3, 17}}, {"T0.0 pread=2 \"A\\?\"", {7, 5}}};
  const Comparison c = compare(model, observed);
  REQUIRE(c.rows.size() == 5);
  CHECK(c.rows[0].outcome == "T0.0 pread=2 \"AA\"");  // most often first
  CHECK(c.rows[0].allowed);
  CHECK(c.rows[1].outcome == "T0.0 pread=2 \"A\\?\"");
  CHECK_FALSE(c.rows[1].allowed);
  CHECK(c.rows[1].torn_slices == 1);
  CHECK_FALSE(c.sound());
  REQUIRE(c.not_allowed().size() == 2);
  CHECK(c.not_allowed()[1]->first_iteration == 17);
  // The model's outcomes the kernel never showed are listed with 0, not failures.
  CHECK(c.rows[3].count == 0);
  CHECK(c.rows[3].allowed);
  CHECK(compare(model, {{"T0.0 pread=2 \"BB\"", {4, 1}}}).sound());
}

TEST_CASE("litmus: a slice torn between two values is allowed when the model allows each value there") {
  // The model: the reader sees byte 1 old (a) or new (b); byte 0 is always new.
  const std::set<std::string> model = {"T1.0 pread=2 \"ba\"", "T1.0 pread=2 \"bb\""};
  const std::string mixed = "T1.0 pread=2 \"b\\?{61,62}\"";
  CHECK(allowed_by_refinement(model, mixed));
  Comparison c = compare(model, {{mixed, {5, 3}}});
  CHECK(c.sound());
  CHECK(c.rows[0].refined);
  // Only one of the two values allowed there: the mix is not explained.
  CHECK_FALSE(allowed_by_refinement({"T1.0 pread=2 \"ba\""}, mixed));
  c = compare({"T1.0 pread=2 \"ba\""}, {{mixed, {5, 3}}});
  CHECK_FALSE(c.sound());
  CHECK_FALSE(c.rows[0].refined);
  // A torn byte 0 with the other byte fixed: each value must be allowed with
  // that same rest of the outcome.
  CHECK_FALSE(allowed_by_refinement(model, "T1.0 pread=2 \"\\?{61,62}a\""));
  // Two torn slices: each value of each must be part of some allowed choice.
  const std::set<std::string> two = {"T1.0 pread=2 \"aa\"", "T1.0 pread=2 \"bb\""};
  CHECK(allowed_by_refinement(two, "T1.0 pread=2 \"\\?{61,62}\\?{61,62}\""));
  CHECK_FALSE(allowed_by_refinement({"T1.0 pread=2 \"aa\""}, "T1.0 pread=2 \"\\?{61,62}\\?{61,62}\""));
  // Values not kept, or none torn: never by this rule.
  CHECK_FALSE(allowed_by_refinement(model, "T1.0 pread=2 \"b\\?\""));
  CHECK_FALSE(allowed_by_refinement(model, "T1.0 pread=2 \"bc\""));
  // Bytes the model writes as escapes are substituted in its notation.
  CHECK(allowed_by_refinement({"T1.0 pread=1 \"\\x00\"", "T1.0 pread=1 \"a\""}, "T1.0 pread=1 \"\\?{00,61}\""));
  // The report says what allowed~ means.
  RunInfo info;
  info.file = "x.json";
  info.variant = "linux-6-ext4";
  const std::string text = comparison_text(info, compare(model, {{mixed, {5, 3}}}));
  CHECK(text.find("allowed~") != std::string::npos);
  CHECK(text.rfind("ALLOWED", 0) == 0);
}

TEST_CASE("litmus: recorded outcomes, compared again through the CLI") {
  const fs::path work = cli_test::workdir("recorded", "litmus");
  const std::string rec = source("tests/checker/litmus/recorded/");
  // Recorded on XFS: the one outcome linux-6 allows.
  auto c = cli_test::run(work, "litmus " + source("scenarios/litmus/writev-bad-middle.json") + " --observed " + rec +
                                   "writev-bad-middle.json");
  CHECK(c.code == 0);
  CHECK(has(c.out, "ALLOWED"));
  // The same with one outcome added that Linux 2.4.0 would give (the bad
  // buffer zero-filled and reported written): not allowed, named, with its iteration.
  c = cli_test::run(work, "litmus " + source("scenarios/litmus/writev-bad-middle.json") + " --observed " + rec +
                              "writev-bad-middle.zero-fill.json");
  CHECK(c.code == 1);
  CHECK(has(c.out, "not allowed: T0.0 writev=4 \"AB\\x00\\x00\""));
  CHECK(has(c.out, "first shown in iteration 201"));
  // Recorded on tmpfs (6.18): as ext4's model allows, torn pages; only the
  // slices torn inside one model byte are not allowed, and they say why.
  const std::string two = source("scenarios/litmus/two-writers-one-reader.json");
  c = cli_test::run(work, "litmus " + two + " --observed " + rec + "two-writers-one-reader.json");
  CHECK(c.code == 1);
  CHECK(has(c.out, "  allowed      33  T0.0 pwrite=2 \"bb\"; T1.0 pwrite=2 \"cc\"; T2.0 pread=3 \"aba\""));
  for (std::size_t at = c.out.find("not allowed: "); at != std::string::npos; at = c.out.find("not allowed: ", at + 1)) {
    const std::string row = c.out.substr(at, c.out.find('\n', at) - at);
    INFO(row);
    CHECK(has(row, "\\?"));
  }
  CHECK(has(c.out, "torn inside one byte's slice"));
  // Against XFS's model the same file's torn pages are not allowed.
  c = cli_test::run(work, "litmus " + two + " --observed " + rec + "two-writers-one-reader.json --variant linux-6-xfs");
  CHECK(c.code == 1);
  CHECK(has(c.out, "not allowed: T0.0 pwrite=2 \"bb\"; T1.0 pwrite=2 \"cc\"; T2.0 pread=3 \"aba\""));
}

TEST_CASE("litmus: bad input exits 2 with one line that says why") {
  const fs::path work = cli_test::workdir("bad", "litmus");
  const std::string writev = source("scenarios/litmus/writev-bad-middle.json");
  auto c = cli_test::run(work, "litmus " + writev);
  CHECK(c.code == 2);
  CHECK(has(c.err, "give --dir DIR to run, or --observed FILE"));
  c = cli_test::run(work, "litmus " + source("tests/checker/litmus/copy-fault.json") + " --dir .");
  CHECK(c.code == 2);
  CHECK(has(c.err, "cannot run for real: it injects copy_from_user failures"));
  c = cli_test::run(work, "litmus " + source("tests/checker/litmus/read-into-mapping.json") + " --dir .");
  CHECK(c.code == 2);
  CHECK(has(c.err, "cannot run for real: thread \"reader\" reads into region \"map\", a mapping of the file"));
  c = cli_test::run(work, "litmus " + source("scenarios/sequential/mapping-past-truncated-eof.json") + " --dir .");
  CHECK(c.code == 2);
  CHECK(has(c.err, "that an ftruncate may have cut from the file by then: a SIGBUS in a real thread"));
  c = cli_test::run(work, "litmus " + writev + " --dir /proc");
  CHECK(c.code == 2);
  CHECK(has(c.err, "--dir /proc is on a filesystem litmus has no variant for"));
  c = cli_test::run(work, "litmus " + writev + " --dir . --json ''");
  CHECK(c.code == 2);
  CHECK(c.err == "interleave: --json: found an empty path, expected a file name (or - for standard output)\n");
  c = cli_test::run(work, "litmus " + writev + " --dir . --json nowhere/x.json");
  CHECK(c.code == 2);
  CHECK(has(c.err, "the directory nowhere does not exist"));
  CHECK(litmus_files(work).empty());
  c = cli_test::run(work, "litmus " + writev + " --dir no-such-dir");
  CHECK(c.code == 2);
  CHECK(has(c.err, "--dir: cannot examine no-such-dir: No such file or directory"));
  c = cli_test::run(work, "litmus " + writev + " --dir . --variant linux-6-xf");
  CHECK(c.code == 2);
  CHECK(has(c.err, "did you mean \"linux-6-xfs\""));
  cli_test::write(work / "bad.json",
                  R"({"format": "interleave-litmus", "version": 1, "results": [{"scenario": "writev-bad-middle",
                      "variant": "linux-6-ext4", "outcomes": [{"outcome": "x", "count": "3"}]}]})");
  c = cli_test::run(work, "litmus " + writev + " --observed bad.json");
  CHECK(c.code == 2);
  CHECK(has(c.err, "bad.json: at /results/0/outcomes/0/count: found \"3\""));
}

TEST_CASE("litmus: real threads on a tmpfs") {
  const fs::path work = cli_test::workdir("tmpfs", "litmus");
  std::optional<Mount> mount;
  fs::path dir = "/dev/shm";
  if (is_root()) {
    mount.emplace(Mount::tmpfs(work / "tmpfs"));
    if (mount->mounted()) dir = mount->dir();
  }
  if (dir == "/dev/shm") MESSAGE("not root (or mount refused): litmus runs in /dev/shm instead of a tmpfs of its own");
  check_deterministic(work, dir, "linux-6-ext4");
  // A store through a mapping, msync, pread, a load, munmap and fsync: the
  // model's one outcome, every iteration.
  const std::string store = "tests/checker/litmus/store-then-read.json";
  const auto [code, result] = litmus_in(work, store, dir);
  CHECK(code == 0);
  CHECK(seen(result) == model_outcomes(checker::load_scenario(source(store)), "linux-6-ext4").outcomes);
  check_racing(work, dir, "scenarios/litmus/torn-read-across-pages.json", "linux-6-ext4");
}

TEST_CASE("litmus: real threads on ext4 and XFS loop images") {
  if (!is_root() || ::access("/dev/loop-control", F_OK) != 0) {
    MESSAGE("skipped: ext4 and XFS loop images need root and /dev/loop-control");
    return;
  }
  const fs::path work = cli_test::workdir("loop", "litmus");
  for (const std::string type : {"ext4", "xfs"}) {
    if (!have_tool("mkfs." + type)) {
      MESSAGE("skipped " << type << ": mkfs." << type << " is not installed (scripts/setup --test installs it)");
      continue;
    }
    const Mount m = Mount::loop(work / type, type);
    if (!m.mounted()) {
      MESSAGE("skipped " << type << ": the loop image could not be made or mounted");
      continue;
    }
    const std::string variant = type == "xfs" ? "linux-6-xfs" : "linux-6-ext4";
    check_deterministic(work, m.dir(), variant);
    // XFS takes the inode lock shared for a buffered read: the model allows
    // no torn read, and the kernel must show none.
    if (type == "xfs") {
      const auto [code, result] = litmus_in(work, "scenarios/litmus/torn-read-across-pages.json", m.dir());
      CHECK(code == 0);
    }
  }
}

TEST_CASE("litmus: SIGINT stops it, removes its file and exits 4") {
  const fs::path work = cli_test::workdir("sigint", "litmus");
  const fs::path dir = work / "run";
  fs::create_directories(dir);
  checker::testing::Child c(work, {"litmus", source("scenarios/litmus/writev-bad-middle.json"), "--dir", dir.string(), "--seconds",
                                   "60", "--variant", "linux-6-ext4", "--json", "out.json"});
  REQUIRE(c.started());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  c.signal(SIGINT);
  REQUIRE(c.wait(10));
  CHECK(c.code() == 4);
  CHECK(has(c.out(), "interrupted by SIGINT"));
  CHECK(litmus_files(dir).empty());
  const nlohmann::json doc = nlohmann::json::parse(cli_test::slurp(work / "out.json"));
  CHECK(doc["results"][0]["interrupted"] == true);
}
