// A test bench for one kernel function at a time: the model state of one
// execution, built from a Config, with the threads the test spawns itself.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/state.hpp"
#include "sim/execution.hpp"
#include "sim/stack_pool.hpp"
#include "tests/models/helpers.hpp"

namespace models_test {

using models::pagecache::Config;
using models::pagecache::Filesystem;
using models::pagecache::Region;
using models::pagecache::State;

// page_size 4, block_size 2, copy_chunk 2, `pages` pages; the file's content.
inline Config small_config(Filesystem fs, const std::string& content, std::uint32_t pages = 2) {
  Config c;
  c.filesystem = fs;
  c.geometry.page_size = 4;
  c.geometry.block_size = 2;
  c.geometry.pages = pages;
  c.geometry.copy_chunk = 2;
  c.file.content = bytes(content);
  return c;
}

inline Region anon_region(std::string name, std::uint64_t start, std::uint32_t length, const std::string& content,
                          bool present = true) {
  Region r;
  r.name = std::move(name);
  r.kind = Region::Kind::anonymous;
  r.start = start;
  r.length = length;
  r.content = bytes(content);
  r.present = present;
  return r;
}

inline Region shared_region(std::string name, std::uint64_t start, std::uint32_t length, std::uint64_t file_offset,
                            bool present) {
  Region r;
  r.name = std::move(name);
  r.kind = Region::Kind::shared_file;
  r.start = start;
  r.length = length;
  r.file_offset = file_offset;
  r.present = present;
  return r;
}

inline Region invalid_region(std::string name, std::uint64_t start, std::uint32_t length) {
  Region r;
  r.name = std::move(name);
  r.kind = Region::Kind::invalid;
  r.start = start;
  r.length = length;
  return r;
}

struct Bench {
  explicit Bench(Config c) : cfg(std::move(c)) { s = std::make_unique<State>(ex, cfg, models::linux_2_4_0::make_kernel); }

  models::linux_2_4_0::Kernel& k() { return dynamic_cast<models::linux_2_4_0::Kernel&>(*s->kernel); }
  sim::ThreadId spawn(std::string name, std::function<void()> body) { return ex.spawn(std::move(name), std::move(body)); }
  void spawn_disk() {
    ex.spawn("disk", [this] { models::pagecache::disk_daemon(*s); }, true);
  }
  const sim::Verdict& run(sim::Strategy& st) {
    sim::ExecutionOptions eo;
    eo.history = true;
    return ex.run(st, eo);
  }
  const sim::Verdict& run() {
    Lowest st;
    return run(st);
  }
  std::vector<std::string> ops_of(sim::ThreadId t) const {
    std::vector<std::string> out;
    for (const sim::Event& e : ex.history())
      if (e.thread == t) out.push_back(e.op);
    return out;
  }

  sim::StackPool pool;
  sim::Execution ex{pool};
  Config cfg;
  std::unique_ptr<State> s;  // destroyed before ex: the fibers' frames hold no state that needs it
};

}  // namespace models_test
