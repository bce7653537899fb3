// The docs against the binary: every sample output marked in README.md and
// docs/ is what its command prints now (scripts/doc-samples), and the YAML of
// README.md and docs/ci.md parses, its GitHub Actions workflow has the shape
// GitHub runs, and every `interleave` option it passes exists.
#include <doctest/doctest.h>

#include "tests/checker/cli.hpp"

// A namespace of its own (the unity build shares a translation unit with
// test_cli.cpp's anonymous helpers).
namespace docs_test {

namespace fs = std::filesystem;
using cli_test::Cli;
using cli_test::shell;
using cli_test::write;

// Debian's python3 (python3-yaml is a Debian package; scripts/setup --test
// installs it); a python3 elsewhere on PATH may lack it.
inline bool debian_python(const std::string& module) {
  return std::system(("/usr/bin/python3 -c 'import " + module + "' >/dev/null 2>&1").c_str()) == 0;
}

TEST_CASE("docs: every sample output in README.md and docs/ is what its command prints") {
  if (!debian_python("difflib")) {
    MESSAGE("/usr/bin/python3 is not installed: the sample outputs are not compared");
    return;
  }
  const fs::path dir = cli_test::workdir("samples", "docs");
  // The blocks that load plugins are compared by test_plugin, which builds them.
  const Cli r = shell(dir, "/usr/bin/python3 '" + cli_test::source("scripts/doc-samples") + "' --without-plugins '" +
                               INTERLEAVE_BIN_PATH + "'");
  INFO(r.out << r.err << "\n(scripts/doc-samples --write build/interleave writes them again)");
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("doc-samples: "));
  CHECK(cli_test::has(r.out, ", 0 differ from their command's output"));
}

TEST_CASE("docs: the YAML in README.md, docs/ci.md and docs/sharding.md parses, and its workflows are ones GitHub can run") {
  if (!debian_python("yaml")) {
    MESSAGE("python3-yaml is not installed (scripts/setup --test installs it): the YAML is not checked");
    return;
  }
  const fs::path dir = cli_test::workdir("yaml", "docs");
  write(dir / "check_yaml.py", R"PY(import re, subprocess, sys, yaml
binary, pages = sys.argv[1], sys.argv[2:]
problems, workflows, blocks = [], 0, 0

def fail(where, what):
    problems.append(f"{where}: {what}")

def options_of(command):
    """The options `interleave COMMAND --help` lists."""
    out = subprocess.run([binary, command, "--help"], capture_output=True, text=True).stdout
    return set(re.findall(r"(?m)^\s+(?:-\w,)?(--[a-z][a-z-]*)", out))

def check_interleave_lines(where, script):
    # A command line may go on over several lines (YAML's folded `>` joins them).
    for m in re.finditer(r"build/interleave\s+([a-z]+)([^\n;&|]*)", script):
        known = options_of(m.group(1))
        if not known:
            fail(where, f"`interleave {m.group(1)}` is not a command")
        for option in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", m.group(2)):
            if option not in known:
                fail(where, f"`interleave {m.group(1)}` has no option {option}")

def check_workflow(where, w):
    # PyYAML reads the key `on` as YAML 1.1's true.
    keys = {("on" if k is True else k) for k in w}
    for k in keys - {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}:
        fail(where, f"unknown top-level key {k!r}")
    for k in ("on", "jobs"):
        if k not in keys:
            fail(where, f"no {k!r}")
    events = w.get(True, w.get("on"))
    if not isinstance(events, (dict, list, str)):
        fail(where, "`on` names no event")
    perms = w.get("permissions", {})
    if not isinstance(perms, dict) or any(v not in ("read", "write", "none") for v in perms.values()):
        fail(where, f"permissions must map scopes to read, write or none: {perms!r}")
    for name, job in (w.get("jobs") or {}).items():
        jw = f"{where}: job {name}"
        if not isinstance(job, dict) or "runs-on" not in job or not isinstance(job.get("steps"), list) or not job["steps"]:
            fail(jw, "a job needs runs-on and a list of steps")
            continue
        job_perms = dict(perms, **(job.get("permissions") or {}))
        for i, step in enumerate(job["steps"]):
            sw = f"{jw}: step {i + 1}"
            if not isinstance(step, dict) or ("uses" in step) == ("run" in step):
                fail(sw, "a step has exactly one of uses and run")
                continue
            for k in step:
                if k not in ("name", "id", "if", "uses", "run", "with", "env", "shell", "working-directory",
                             "continue-on-error", "timeout-minutes"):
                    fail(sw, f"unknown key {k!r}")
            if "uses" in step:
                if not re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]):
                    fail(sw, f"uses {step['uses']!r} is not owner/repo@version")
                if step["uses"].startswith("mikepenz/action-junit-report") and job_perms.get("checks") != "write":
                    fail(sw, "the JUnit report action needs permissions: checks: write")
                if "with" in step and not isinstance(step["with"], dict):
                    fail(sw, "with must be a mapping")
            else:
                if not isinstance(step["run"], str):
                    fail(sw, "run must be a string")
                    continue
                check_interleave_lines(sw, step["run"])
            for k in ("if", "run"):
                text = str(step.get(k, ""))
                if text.count("${{") != text.count("}}"):
                    fail(sw, f"an unclosed ${{{{ }}}} expression in {k}")

for page in pages:
    text = open(page, encoding="utf-8").read()
    for n, m in enumerate(re.finditer(r"```ya?ml\n(.*?)```", text, re.S)):
        blocks += 1
        where = f"{page}: YAML block {n + 1}"
        try:
            doc = yaml.safe_load(m.group(1))
        except yaml.YAMLError as e:
            fail(where, f"not YAML: {e}")
            continue
        if isinstance(doc, dict) and "jobs" in doc:
            workflows += 1
            check_workflow(where, doc)
print(f"{blocks} YAML blocks, {workflows} workflows")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
)PY");
  const Cli r = shell(dir, "/usr/bin/python3 check_yaml.py '" + std::string(INTERLEAVE_BIN_PATH) + "' '" +
                               cli_test::source("README.md") + "' '" + cli_test::source("docs/ci.md") + "' '" +
                               cli_test::source("docs/sharding.md") + "'");
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("2 YAML blocks, 2 workflows\n"));

  // The checker catches what issue 14 found: a flow mapping YAML cannot
  // parse, a missing permission, and an option the binary does not have.
  write(dir / "bad.md", "```yaml\njobs:\n  a:\n    runs-on: x\n    steps:\n"
                        "      - uses: actions/upload-artifact@v4\n"
                        "        with: {name: shard-${{ matrix.k }}, path: x}\n```\n"
                        "```yaml\non: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
                        "      - uses: mikepenz/action-junit-report@v4\n"
                        "      - run: build/interleave check scenarios/ --junitt j.xml\n```\n");
  const Cli bad = shell(dir, "/usr/bin/python3 check_yaml.py '" + std::string(INTERLEAVE_BIN_PATH) + "' bad.md");
  CHECK(bad.code == 1);
  CHECK(cli_test::has(bad.out, "bad.md: YAML block 1: not YAML"));
  CHECK(cli_test::has(bad.out, "step 1: the JUnit report action needs permissions: checks: write"));
  CHECK(cli_test::has(bad.out, "step 2: `interleave check` has no option --junitt"));
}

}  // namespace docs_test
