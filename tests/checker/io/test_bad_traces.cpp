// Every file of tests/data/bad-traces/, run through each command that reads
// a trace: exit 2, exactly the message of its .expected file (one line
// naming the file and the JSON path, then the hint), nothing on stdout, and
// no output file (a shrunk trace, a replayed trace, an HTML page) left behind.
#include <doctest/doctest.h>

#include "tests/checker/io/cli.hpp"

using namespace input_test;

TEST_CASE("bad traces: replay, shrink and show exit 2 with the corpus message and write nothing") {
  const std::vector<Bad> bad = corpus("bad-traces");
  REQUIRE(bad.size() >= 40);
  const fs::path dir = workdir("bad-traces");
  const std::vector<std::string> commands = {
      "replay", "replay --trace-out out.json", "shrink", "shrink --trace-out out.json",
      "show", "show --html out.html"};
  for (const Bad& b : bad) {
    REQUIRE_FALSE(b.message.empty());
    const std::string name = b.file.filename().string();
    fs::copy_file(b.file, dir / name);
    for (const std::string& command : commands) {
      CAPTURE(name);
      CAPTURE(command);
      const Cli r = run(dir, command + " " + name);
      CHECK(r.code == 2);
      CHECK(r.err == b.stderr_text(name));
      CHECK(r.out.empty());
      // shrink's default output is NAME.shrunk.json beside it: not there either.
      CHECK(listing(dir) == std::vector<std::string>{name});
    }
    fs::remove(dir / name);
  }
}
