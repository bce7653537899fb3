// Every file of tests/data/bad-scenarios/, run as a user runs it: `run` and
// `check` exit 2, `run` prints exactly the message of its .expected file
// (one line naming the file and the JSON path, then the hint), and neither
// writes a trace or a report.
#include <doctest/doctest.h>

#include "tests/checker/io/cli.hpp"

using namespace input_test;

TEST_CASE("bad scenarios: run exits 2 with the corpus message and writes nothing") {
  const std::vector<Bad> bad = corpus("bad-scenarios");
  REQUIRE(bad.size() >= 80);
  const fs::path dir = workdir("bad-scenarios");
  for (const Bad& b : bad) {
    CAPTURE(b.file.filename().string());
    REQUIRE_FALSE(b.message.empty());
    const fs::path copy = dir / b.file.filename();
    fs::copy_file(b.file, copy);
    const std::string name = copy.filename().string();
    Cli r = run(dir, "run --no-progress --trace-out traces --json report.json " + name);
    CHECK(r.code == 2);
    CHECK(r.err == b.stderr_text(name));
    CHECK(r.out.empty());
    r = run(dir, "check --no-progress --trace-out traces --junit junit.xml " + name);
    CHECK(r.code == 2);
    CHECK(r.out.find("FAIL  " + name + ": " + name + ": " + b.message) == 0);
    fs::remove(dir / "junit.xml");  // a report of the check: written whole, on purpose
    // `run --json` writes its report of the runs even when all were bad:
    // nothing else is left behind.
    fs::remove(dir / "report.json");
    CHECK(listing(dir) == std::vector<std::string>{name});
    fs::remove(copy);
  }
}
