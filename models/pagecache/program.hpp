// The page-cache model as a models::Program the checker explores: one
// execution = fresh State from the Config, one thread per ThreadSpec (running
// its operations as system calls of the variant), the disk daemon, and the
// agents; at the end, the lost-data epilogue.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/observation.hpp"
#include "models/pagecache/state.hpp"
#include "models/program.hpp"

namespace models::pagecache {

class PageCacheProgram : public models::Program {
 public:
  // Makes a check that runs after every step of an execution, reading the
  // state it is given (set up afresh for each execution). It may call
  // ex.fail(). See checker/invariants/uptodate_lost.hpp.
  using StepCheckFactory = std::function<std::function<void()>(sim::Execution&, const State&)>;

  // Throws std::invalid_argument when the Config cannot be modelled.
  PageCacheProgram(Config cfg, KernelFactory make_kernel);

  // Thread ids, in spawn order: the scenario's threads 0..n-1 (named as in
  // the Config, or "T<i>"), then "disk", then the agents ("kswapd", "bdflush").
  void setup(sim::Execution& ex) override;
  // Runs the lost-data epilogue (ex.run_epilogue): with the agents stopped,
  // read the whole file through the page cache (Observation::final_cached);
  // unmap every MAP_SHARED pte as reclaim would (a dirty pte dirties its
  // page); sync (the fsync path: write back and wait); evict every page the
  // kernel can evict; read the whole file again (final_after_evict).
  // Returns the epilogue's verdict (a deadlock if it blocks for good).
  sim::Verdict check_end(sim::Execution& ex) override;
  // Every call in (thread, op) order with its result and data, then the two
  // final contents: "T0.0 write=4 "abcd"; T1.0 read=2 "ab"; final "abcd" / "abcd"".
  std::string outcome() const override;

  // Adds a check to install at every setup (several compose, in order).
  void add_step_check(StepCheckFactory f) { checks_.push_back(std::move(f)); }
  // Whether check_end runs the epilogue (default on).
  void set_final_read(bool on) { final_read_ = on; }

  const Config& config() const { return cfg_; }
  // The state and observation of the execution set up last (valid until the
  // next setup).
  const State& state() const { return *state_; }
  const Observation& observation() const { return state_->obs; }

 private:
  void run_thread(std::size_t t);
  Config cfg_;
  KernelFactory make_kernel_;
  std::unique_ptr<State> state_;
  std::vector<StepCheckFactory> checks_;
  bool final_read_ = true;
};

}  // namespace models::pagecache
