// Bad input that no corpus file can hold, made at run time: paths that are
// not regular files, files of megabytes (bad in a field near their end, or cut
// short), a file past the size limit; and the rule that every output is
// written to a temporary name and renamed, so that no reader ever sees half
// a file and a failed write leaves nothing behind.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "checker/io/json_read.hpp"
#include "checker/io/output_file.hpp"
#include "checker/trace/trace.hpp"
#include "tests/checker/io/cli.hpp"

using namespace input_test;
using nlohmann::json;

namespace {

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// The scenario and trace commands, each of which must refuse `name` with `message`.
void all_refuse(const fs::path& dir, const std::string& name, const std::string& message,
                bool is_trace) {
  const std::vector<std::string> commands =
      is_trace ? std::vector<std::string>{"replay", "shrink", "show --html out.html"}
               : std::vector<std::string>{"run --no-progress --trace-out traces"};
  for (const std::string& command : commands) {
    CAPTURE(command);
    const Cli r = run(dir, command + " " + name);
    CHECK(r.code == 2);
    CHECK(r.err == "interleave: " + name + ": " + message + "\n");
    CHECK_FALSE(fs::exists(dir / "out.html"));
    CHECK_FALSE(fs::exists(dir / "traces"));
  }
}

// "at line L, column C" of the end of `text`, where a parser meets its end.
std::string end_of(const std::string& text) {
  const std::size_t lines = std::count(text.begin(), text.end(), '\n');
  const std::size_t last = text.rfind('\n');
  const std::size_t col = text.size() - (last == std::string::npos ? 0 : last + 1) + 1;
  return "at line " + std::to_string(lines + 1) + ", column " + std::to_string(col);
}

}  // namespace

TEST_CASE("paths that are not regular files: missing, a directory, a FIFO, below a file") {
  const fs::path dir = workdir("not-files");
  for (bool is_trace : {false, true}) {
    all_refuse(dir, "missing.json", "cannot open the file: No such file or directory", is_trace);
    fs::create_directory(dir / "folder.json");
    all_refuse(dir, "folder.json", "cannot read the file: it is a directory", is_trace);
    fs::remove(dir / "folder.json");
    // Opening a FIFO waits for a writer: the command must refuse it instead
    // of hanging (run() gives up after two minutes and fails the check).
    REQUIRE(::mkfifo((dir / "fifo.json").c_str(), 0600) == 0);
    all_refuse(dir, "fifo.json",
               "cannot read the file: it is not a regular file (a FIFO, a socket or a device)",
               is_trace);
    fs::remove(dir / "fifo.json");
    write(dir / "plain", "{}");
    all_refuse(dir, "plain/x.json", "cannot open the file: Not a directory", is_trace);
    fs::remove(dir / "plain");
  }
}

TEST_CASE("files of megabytes: bad near the end, cut short, and past the size limit") {
  const fs::path dir = workdir("megabytes");
  // A scenario with 100000 threads (about 4 MB): the thread count is refused,
  // at once, without reading each thread.
  json s = json::parse(slurp(fs::path(INTERLEAVE_SOURCE_DIR) / "scenarios" / "seed" /
                             "torn-read-half-copied-page.json"));
  const json thread = s["threads"][0];
  s["threads"] = json::array();
  for (int i = 0; i < 100000; ++i) s["threads"].push_back(thread);
  const std::string many = s.dump(1);
  REQUIRE(many.size() > 4'000'000);
  write(dir / "threads.json", many);
  all_refuse(dir, "threads.json", "at /threads: found 100000 entries, expected from 1 to 16 entries",
             false);

  // The same, cut short in its last megabyte.
  const std::string cut = many.substr(0, many.size() - 1'000'000);
  write(dir / "cut.json", cut);
  const Cli r = run(dir, "run --no-progress --trace-out traces cut.json");
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("interleave: cut.json: " + end_of(cut) + ": found text that is not JSON: "));
  CHECK_FALSE(fs::exists(dir / "traces"));

  // A trace of a quarter of a million history events (several megabytes)
  // with an unknown key in the last one.
  write(dir / "abba.json", R"({"model": "example:abba"})");
  REQUIRE(run(dir, "run --no-progress --trace-out abba.trace.json abba.json").code == 1);
  json t = checker::read_json_file((dir / "abba.trace.json").string());
  fs::remove(dir / "abba.trace.json");
  const json event = t["history"][0];
  for (int i = 0; i < 250000; ++i) t["history"].push_back(event);
  const std::size_t last = t["history"].size() - 1;
  t["history"][last]["colour"] = "red";
  const std::string big = t.dump(1);
  REQUIRE(big.size() > 4'000'000);
  write(dir / "big.trace.json", big);
  for (const std::string command : {"replay", "shrink", "show --html out.html"}) {
    CAPTURE(command);
    const Cli b = run(dir, command + " big.trace.json");
    CHECK(b.code == 2);
    CHECK(b.err.starts_with("interleave: big.trace.json: at /history/" + std::to_string(last) +
                            "/colour: found an unknown key \"colour\""));
    CHECK(listing(dir) == std::vector<std::string>{"abba.json", "big.trace.json", "cut.json",
                                                   "threads.json"});
  }

  // Past the size limit: refused after reading the limit, not parsed. The
  // file is sparse, so it takes no room on the disk.
  std::ofstream(dir / "huge.json").close();
  fs::resize_file(dir / "huge.json", checker::kMaxJsonFileBytes + 1);
  all_refuse(dir, "huge.json",
             "found a file larger than 64 MiB, expected a scenario or a trace (they are far smaller)",
             false);
  all_refuse(dir, "huge.json",
             "found a file larger than 64 MiB, expected a scenario or a trace (they are far smaller)",
             true);
}

TEST_CASE("outputs are written to a temporary name and renamed: a failed write leaves nothing") {
  const fs::path dir = workdir("atomic");
  checker::write_output_file((dir / "a.json").string(), "first");
  checker::write_output_file((dir / "a.json").string(), "second, longer");
  CHECK(slurp(dir / "a.json") == "second, longer");
  CHECK(listing(dir) == std::vector<std::string>{"a.json"});
  // The rename onto a directory that is not empty fails: the temporary file
  // is removed again, and what was there is untouched.
  fs::create_directories(dir / "busy" / "inside");
  CHECK_THROWS_AS(checker::write_output_file((dir / "busy").string(), "text"), std::runtime_error);
  CHECK(listing(dir) == std::vector<std::string>{"a.json", "busy", "busy/inside"});

  // Through the CLI: show --html onto such a directory is refused before
  // anything is written, exit 2 (tests/checker/io/test_output_paths.cpp has
  // the rest of what output paths may be).
  write(dir / "abba.json", R"({"model": "example:abba"})");
  REQUIRE(run(dir, "run --no-progress --trace-out t.json abba.json").code == 1);
  const Cli r = run(dir, "show t.json --html busy");
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: --html busy: is a directory, expected a file\n");
  CHECK(listing(dir) == std::vector<std::string>{"a.json", "abba.json", "busy", "busy/inside", "t.json"});
}
