// Where the outputs go (--json, --junit, --checkpoint, --html, --trace-out,
// --output): a path that cannot be written is bad usage, exit 2, found before
// any search starts; "" is refused; "-" is standard output; a character
// device or a FIFO is written through and never replaced by a regular file; a
// symbolic link is followed (the file it points to is replaced, the link
// stays); no directory is created on the way.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/checker/io/cli.hpp"

using namespace input_test;
using nlohmann::json;

namespace {

const std::string kAbba = R"({"model": "example:abba"})";
// A search far longer than any test waits (dfs).
const std::string kBig = R"({"name": "big-counter", "model": "example:locked-counter",
  "params": {"threads": 5, "increments": 3}, "expect": {"verdict": "pass"}})";

bool is_char_device(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// A character device in `dir` like /dev/null (1, 3) or /dev/full (1, 7),
// so that a test that fails cannot replace the system's own; when this
// process may not make one (not root), the system's, which it then cannot
// replace either.
fs::path char_device(const fs::path& dir, const std::string& name, unsigned minor) {
  const fs::path p = dir / name;
  if (::mknod(p.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0) return p;
  return fs::path("/dev") / name;
}

}  // namespace

TEST_CASE("output paths: an empty path is refused, exit 2, naming the option") {
  const fs::path dir = workdir("out-empty");
  cli_test::write(dir / "abba.json", kAbba);
  REQUIRE(run(dir, "run --no-progress --trace-out t.json abba.json").code == 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run --no-progress --json '' abba.json", "--json"},
      {"run --no-progress --strategy dfs --checkpoint '' abba.json", "--checkpoint"},
      {"run --no-progress --trace-out '' abba.json", "--trace-out"},
      {"check --no-progress --junit '' abba.json", "--junit"},
      {"show t.json --html ''", "--html"},
      {"shrink t.json -o ''", "--trace-out"},
      {"replay t.json --trace-out ''", "--trace-out"},
      {"matrix --output '' abba.json", "--output"},
  };
  for (const auto& one_case : cases) {
    // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
    const std::string& command = one_case.first;
    const std::string& option = one_case.second;
    CAPTURE(command);
    const Cli r = run(dir, command);
    CHECK(r.code == 2);
    CHECK(r.err.starts_with("interleave: " + option + ": found an empty path, expected a file name"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("output paths: a missing directory is exit 2 and is not created, nor is anything else written") {
  const fs::path dir = workdir("out-missing");
  cli_test::write(dir / "abba.json", kAbba);
  REQUIRE(run(dir, "run --no-progress --trace-out t.json abba.json").code == 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"show t.json --html nowhere/dir/x.html", "--html nowhere/dir/x.html"},
      {"run --no-progress --json nowhere/dir/r.json abba.json", "--json nowhere/dir/r.json"},
      {"run --no-progress --trace-out nowhere/dir/t.json abba.json", "--trace-out nowhere/dir/t.json"},
      {"run --no-progress --trace-out nowhere/dir abba.json", "--trace-out nowhere/dir"},
      {"check --no-progress --junit nowhere/dir/j.xml abba.json", "--junit nowhere/dir/j.xml"},
      {"replay t.json --trace-out nowhere/dir/t.json", "--trace-out nowhere/dir/t.json"},
      {"shrink t.json -o nowhere/dir/t.json", "--trace-out nowhere/dir/t.json"},
  };
  for (const auto& one_case : cases) {
    const std::string& command = one_case.first;
    const std::string& shown = one_case.second;
    CAPTURE(command);
    const Cli r = run(dir, command);
    CHECK(r.code == 2);
    const bool dir_itself = command.find("nowhere/dir ") != std::string::npos;
    CHECK(r.err == "interleave: " + shown + ": the directory " + (dir_itself ? "nowhere" : "nowhere/dir") +
                       " does not exist\nhint: create the directory first: outputs do not create the "
                       "directories they are in\n");
    CHECK_FALSE(fs::exists(dir / "nowhere"));
    CHECK(listing(dir) == std::vector<std::string>{"abba.json", "t.json"});
  }
  // A trace directory is created when its parent exists (as mkdir does).
  CHECK(run(dir, "run --no-progress --trace-out traces abba.json").code == 1);
  CHECK(fs::exists(dir / "traces" / "abba.trace.json"));
}

TEST_CASE("output paths: an unwritable checkpoint is found before the search starts, exit 2") {
  const fs::path dir = workdir("out-before");
  cli_test::write(dir / "big.json", kBig);
  cli_test::write(dir / "file", "a file, not a directory");
  const auto start = std::chrono::steady_clock::now();
  const Cli r = run(dir, "run --no-progress --strategy dfs --checkpoint file/c.json --json r.json big.json");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: --checkpoint file/c.json: Not a directory\n");
  CHECK(r.out.empty());  // no search, no summary
  CHECK(seconds < 5);    // the search would run for hours
  CHECK_FALSE(fs::exists(dir / "r.json"));
}

TEST_CASE("output paths: every unwritable output is exit 2, --trace-out too") {
  const fs::path dir = workdir("out-codes");
  cli_test::write(dir / "abba.json", kAbba);
  cli_test::write(dir / "file", "a file, not a directory");
  fs::create_directories(dir / "adir");
  for (const char* command :
       {"run --no-progress --trace-out file/t.json abba.json", "run --no-progress --json adir abba.json",
        "check --no-progress --json file/c.json abba.json", "check --no-progress --trace-out file/traces abba.json",
        "matrix --output adir abba.json"}) {
    CAPTURE(command);
    CHECK(run(dir, command).code == 2);
  }
  // A write that fails after the search (a full disk) is exit 2 as well.
  const fs::path full = char_device(dir, "full", 7);
  const Cli r = run(dir, "run --no-progress --no-trace --json '" + full.string() + "' abba.json");
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: could not write the JSON report: cannot write " + full.string() +
                     ": No space left on device\n");
  CHECK(is_char_device(full));
}

TEST_CASE("output paths: a character device is written through, never replaced") {
  const fs::path dir = workdir("out-device");
  cli_test::write(dir / "abba.json", kAbba);
  const fs::path null = char_device(dir, "null", 3);
  CHECK(run(dir, "run --no-progress --json '" + null.string() + "' --trace-out '" + null.string() + "' abba.json")
            .code == 1);
  CHECK(run(dir, "check --no-progress --junit '" + null.string() + "' --no-trace abba.json").code == 1);
  CHECK(is_char_device(null));
}

TEST_CASE("output paths: a FIFO is written through to its reader") {
  const fs::path dir = workdir("out-fifo");
  cli_test::write(dir / "abba.json", kAbba);
  REQUIRE(::mkfifo((dir / "pipe").c_str(), 0644) == 0);
  std::string received;
  std::thread reader([&] { received = slurp(dir / "pipe"); });
  const Cli r = run(dir, "run --no-progress --no-trace --json pipe abba.json");
  reader.join();
  CHECK(r.code == 1);
  CHECK(json::parse(received)["runs"][0]["status"] == "violation");
  struct stat st {};
  REQUIRE(::lstat((dir / "pipe").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}

TEST_CASE("output paths: a symbolic link is followed: the file it points to is replaced, the link stays") {
  const fs::path dir = workdir("out-link");
  cli_test::write(dir / "abba.json", kAbba);
  fs::create_directories(dir / "reports");
  cli_test::write(dir / "reports" / "r.json", "old");
  fs::create_symlink("reports/r.json", dir / "link.json");
  fs::create_symlink("reports/new.json", dir / "dangling.json");
  CHECK(run(dir, "run --no-progress --no-trace --json link.json abba.json").code == 1);
  CHECK(fs::is_symlink(dir / "link.json"));
  CHECK(json::parse(slurp(dir / "reports" / "r.json"))["runs"][0]["status"] == "violation");
  CHECK(run(dir, "run --no-progress --no-trace --json dangling.json abba.json").code == 1);
  CHECK(fs::is_symlink(dir / "dangling.json"));
  CHECK(json::parse(slurp(dir / "reports" / "new.json"))["runs"][0]["status"] == "violation");
  std::string files;
  for (const std::string& f : listing(dir)) files += f + " ";
  CHECK(files == "abba.json dangling.json link.json reports reports/new.json reports/r.json ");
}

TEST_CASE("output paths: - is standard output, and the report a person reads goes to standard error") {
  const fs::path dir = workdir("out-stdout");
  cli_test::write(dir / "abba.json", kAbba);
  Cli r = run(dir, "run --no-progress --json - --trace-out t.json abba.json");
  CHECK(r.code == 1);
  CHECK(json::parse(r.out)["runs"][0]["status"] == "violation");
  CHECK(cli_test::has(r.err, "VIOLATION"));
  r = run(dir, "run --no-progress --trace-out - abba.json");
  CHECK(r.code == 1);
  CHECK(json::parse(r.out)["format"] == "interleave-trace");
  cli_test::write(dir / "t.json", r.out);
  r = run(dir, "show t.json --html -");
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("<!DOCTYPE html>"));
  r = run(dir, "check --no-progress --no-trace --junit - abba.json");
  CHECK(r.code == 1);
  CHECK(r.out.starts_with("<?xml"));
  CHECK(cli_test::has(r.err, "0 passed, 1 failed"));
  // Two outputs cannot both be standard output.
  r = run(dir, "check --no-progress --junit - --json - abba.json");
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: --json -: standard output is already --junit's\nhint: name a file for one of them\n");
  // A checkpoint is read back by --resume: it must be a file.
  r = run(dir, "run --no-progress --strategy dfs --checkpoint - abba.json");
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: --checkpoint -: this output cannot be standard output: it is read back as a file\n");
}
