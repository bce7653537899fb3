// Reads and checks the page-cache keys of a scenario file. Every check names
// the JSON pointer of the field, what it holds and what it should hold; the
// first problem found is the one reported. Only checked accessors of
// nlohmann::json are used, so no input makes the library throw. The readers
// are checker/io/json_read's; the keys with most to check have their own
// files: pagecache_geometry, pagecache_memory (with pagecache_memory_ref),
// pagecache_threads, and byte_string for the bytes.
#include "checker/scenario/pagecache_json.hpp"

#include <set>
#include <vector>

#include "checker/io/json_read.hpp"
#include "checker/scenario/pagecache_geometry.hpp"
#include "checker/scenario/pagecache_memory.hpp"
#include "checker/scenario/pagecache_threads.hpp"

namespace checker {

namespace {

namespace jr = json_read;
using models::pagecache::AgentSpec;
using models::pagecache::Config;
using models::pagecache::Filesystem;
using L = PagecacheLimits;

const std::vector<std::string> kTopKeys = {
    // Read here:
    "model", "filesystem", "geometry", "file", "memory", "threads", "agents", "faults",
    // Owned by the generic loader, skipped here:
    "name", "description", "invariants", "explore", "expect", "$schema", "variants",
    "expect_by_variant", "explore_by_variant", "conditions"};

const std::vector<std::string> kFilesystems = {"ext2", "ramfs"};
const std::vector<std::string> kAgentKinds = {"reclaim", "writeback"};

void read_file(const jr::Object& scenario, Config& config) {
  const jr::Json* j = scenario.find("file");
  if (j == nullptr) return;
  const jr::Object f(*j, scenario.path("file"), "an object {content, cached}", "file",
                     {"content", "cached"});
  const std::uint32_t pages = config.geometry.pages;
  if (const jr::Json* c = f.find("content"))
    config.file.content = bytes_from_json(*c, f.path("content"),
                                          pagecache_keys::largest_file(config.geometry),
                                          pagecache_keys::largest_file_text(config.geometry));
  if (const jr::Json* c = f.find("cached")) {
    const std::string cpath = f.path("cached");
    jr::as_array(*c, cpath, "page indices", 0, pages);
    std::set<std::uint32_t> seen;
    for (std::size_t i = 0; i < c->size(); ++i) {
      const std::string ipath = jr::child(cpath, i);
      auto index = static_cast<std::uint32_t>(
          jr::as_uint((*c)[i], ipath, 0, pages - 1,
                      "a page index from 0 to " + std::to_string(pages - 1) +
                          " (geometry.pages is " + std::to_string(pages) + ")",
                      jr::QuotedNumber::hint));
      if (!seen.insert(index).second)
        jr::bad(ipath, (*c)[i], "each page index once",
                "page " + std::to_string(index) + " is listed twice");
      config.file.cached_pages.push_back(index);
    }
  }
}

void read_agents(const jr::Object& scenario, Config& config) {
  const jr::Json* a = scenario.find("agents");
  if (a == nullptr) return;
  const std::string path = scenario.path("agents");
  jr::as_array(*a, path, "agents", 0, L::max_agents);
  for (std::size_t i = 0; i < a->size(); ++i) {
    const jr::Object o((*a)[i], jr::child(path, i), "an agent {kind, budget}", "an agent",
                       {"kind", "budget"});
    AgentSpec agent;
    agent.kind = jr::as_enum(o.require("kind", jr::one_of(kAgentKinds)), o.path("kind"),
                             kAgentKinds) == 0
                     ? AgentSpec::Kind::reclaim
                     : AgentSpec::Kind::writeback;
    if (const jr::Json* b = o.find("budget"))
      agent.budget = static_cast<std::uint32_t>(jr::as_uint(
          *b, o.path("budget"), 1, L::max_budget,
          "a budget from 1 to " + std::to_string(L::max_budget) + " acts per execution",
          jr::QuotedNumber::hint));
    config.agents.push_back(agent);
  }
}

void read_faults(const jr::Object& scenario, Config& config) {
  const jr::Json* j = scenario.find("faults");
  if (j == nullptr) return;
  const jr::Object f(*j, scenario.path("faults"),
                     "an object {copy_from_user, read_io_error, write_io_error}", "faults",
                     {"copy_from_user", "read_io_error", "write_io_error"});
  auto& faults = config.faults;
  faults.copy_from_user = f.boolean("copy_from_user", faults.copy_from_user);
  faults.read_io_error = f.boolean("read_io_error", faults.read_io_error);
  faults.write_io_error = f.boolean("write_io_error", faults.write_io_error);
}

}  // namespace

models::pagecache::Config pagecache_config_from_json(const nlohmann::json& root) {
  // "params" belongs to example programs: say so, before it is an unknown key.
  if (root.is_object() && root.contains("params"))
    jr::bad("/params", root.at("params"), "no \"params\" with a page-cache model",
            "\"params\" belongs to example programs; a page-cache scenario describes its "
            "threads, memory and file");
  const jr::Object scenario(root, "", "a scenario (a JSON object)", "a scenario", kTopKeys);
  Config config;

  const std::string model_form = "a model variant name (a string)";
  const jr::Json& model = scenario.require("model", model_form);
  config.variant = jr::as_string(model, "/model", model_form);
  if (config.variant.empty())
    jr::bad("/model", model, "a model variant name such as \"linux-2.4.0\"");

  config.filesystem = jr::as_enum(scenario.require("filesystem", jr::one_of(kFilesystems)),
                                  "/filesystem", kFilesystems) == 0
                          ? Filesystem::ext2
                          : Filesystem::ramfs;

  // In this order: each key is checked against those before it.
  config.geometry = pagecache_keys::read_geometry(scenario);
  read_file(scenario, config);
  pagecache_keys::read_memory(scenario, config);
  pagecache_keys::read_threads(scenario, config);
  read_agents(scenario, config);
  read_faults(scenario, config);
  return config;
}

}  // namespace checker
