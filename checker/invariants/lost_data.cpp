// lost-data: the search of torn_read.cpp, asked whether every completed write
// (and any of those that never returned) explains the whole final file.
#include "checker/invariants/lost_data.hpp"

#include <algorithm>

namespace checker::invariants {

using models::pagecache::Bytes;
using models::pagecache::Observation;

namespace {

std::string sized(const Bytes& b) {
  return std::to_string(b.size()) + (b.size() == 1 ? " byte " : " bytes ") + quote_bytes(b);
}

}  // namespace

std::optional<sim::Verdict> check_lost_data(const Observation& obs, const CheckOptions& options) {
  if (!obs.final_read_done) return std::nullopt;
  std::vector<detail::FileWrite> writes = detail::writes_of(obs, options.config);
  std::vector<const detail::FileWrite*> completed;
  for (detail::FileWrite& w : writes) {
    w.mandatory = obs.calls[w.call].completed;
    if (w.mandatory) completed.push_back(&w);
  }
  const std::vector<const detail::FileWrite*> order = detail::in_real_time_order(obs, completed);
  const Bytes expected = detail::apply_writes(obs.initial_content, order);

  // Do two completed writes overlap both in time and in the file? Then their
  // order is free and `expected` is only one of the admissible contents.
  bool free_order = false;
  for (std::size_t i = 0; i < order.size() && !free_order; ++i)
    for (std::size_t j = i + 1; j < order.size() && !free_order; ++j) {
      const detail::FileWrite& a = *order[i];
      const detail::FileWrite& b = *order[j];
      // A truncation reaches every byte past its length.
      const std::uint64_t a_end = a.truncates ? ~std::uint64_t{0} : a.offset + a.data.size();
      const std::uint64_t b_end = b.truncates ? ~std::uint64_t{0} : b.offset + b.data.size();
      const bool bytes = a.offset < b_end && b.offset < a_end;
      const bool time = !detail::precedes(obs.calls[a.call], obs.calls[b.call]) &&
                        !detail::precedes(obs.calls[b.call], obs.calls[a.call]);
      free_order = bytes && time;
    }

  std::uint64_t last_step = 0;
  for (const auto& c : obs.calls) last_step = std::max(last_step, c.completed ? c.end_step : c.begin_step);

  // A block whose last write failed holds on disk what it held before: its
  // bytes after eviction are compared with the cached ones (was the
  // application told? is lost-error's question, error_reporting.hpp).
  Bytes after_evict = obs.final_after_evict;
  std::size_t failed_blocks = 0;
  if (options.config != nullptr) {
    const std::uint64_t bs = options.config->geometry.block_size;
    std::vector<std::uint32_t> blocks;
    for (const models::pagecache::IoRecord& io : obs.io)
      if (io.write) {
        blocks.erase(std::remove(blocks.begin(), blocks.end(), io.block), blocks.end());
        if (!io.ok) blocks.push_back(io.block);
      }
    for (std::uint32_t b : blocks)
      for (std::uint64_t i = b * bs; i < (b + 1) * bs && i < after_evict.size() && i < obs.final_cached.size(); ++i)
        after_evict[i] = obs.final_cached[i];
    failed_blocks = blocks.size();
  }

  const struct {
    const Bytes* seen;
    int error;
    const char* how;
  } reads[] = {{&obs.final_cached, obs.final_cached_error, "read back through the page cache"},
               {&after_evict, obs.final_after_evict_error, "read back after a sync and the eviction of every page"}};
  for (const auto& r : reads) {
    detail::Window window;
    window.offset = 0;
    window.seen = r.seen;
    // A read that stopped at an error (stale-error's to report) says
    // nothing of the bytes past where it stopped.
    window.size_min = r.seen->size();
    window.size_max = r.error ? ~std::uint64_t{0} : r.seen->size();
    if (detail::explain(obs, obs.initial_content, writes, window, options.max_states) !=
        detail::Explained::no)
      continue;

    std::string msg = std::string("after all threads ended, the file ") + r.how + " is " +
                      sized(*r.seen) + "; expected " + sized(expected);
    std::size_t diff = 0;
    while (diff < r.seen->size() && diff < expected.size() && (*r.seen)[diff] == expected[diff]) ++diff;
    msg += " (first difference at byte " + std::to_string(diff) + ")";
    msg += completed.empty() ? ", the file as it was, as no write completed"
                             : ", the content after every completed write";
    if (free_order) msg += " (or another order of the writes that overlapped in time)";
    if (r.error) msg += "; the read stopped with " + detail::result_text(r.error) + " after these bytes";
    if (r.seen == &after_evict && failed_blocks)
      msg += "; the " + std::to_string(failed_blocks) + " block(s) whose last write failed compared as cached";
    if (!order.empty()) {
      msg += ": ";
      for (std::size_t i = 0; i < order.size() && i < 6; ++i)
        msg += (i ? "; " : "") + detail::describe_write(obs, options, *order[i]);
      if (order.size() > 6) msg += "; and " + std::to_string(order.size() - 6) + " more";
    }
    const std::string failed =
        detail::failed_writes(obs, options, [](const models::pagecache::SyscallRecord&) { return true; });
    if (!failed.empty()) msg += "; failed, so counted as no write: " + failed;

    sim::Verdict v;
    v.kind = sim::Verdict::Kind::violation;
    v.invariant = "lost-data";
    v.message = std::move(msg);
    v.step = last_step;
    return v;
  }
  return std::nullopt;
}

}  // namespace checker::invariants
