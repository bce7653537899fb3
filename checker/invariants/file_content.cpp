// The file a set of writes (and truncations) leaves, in a given order, and
// the helpers the messages of torn-read and lost-data share: the pieces of
// torn_read.hpp's detail namespace that need none of the search.
#include <algorithm>
#include <string>
#include <vector>

#include "checker/invariants/torn_read.hpp"

namespace checker::invariants::detail {

using models::pagecache::Bytes;
using models::pagecache::Observation;
using models::pagecache::SyscallRecord;

Bytes apply_writes(const Bytes& initial, const std::vector<const FileWrite*>& writes) {
  // Every byte is the last write's that covers it; the size is the largest
  // end of a write that extends the file since the last truncation, or that
  // truncation's length. A store through a mapping past EOF stays in its
  // page, and shows if a later write extends the file over it; a truncation
  // zeroes every byte past its length (as the search's place does).
  std::uint64_t size = initial.size(), reach = initial.size();
  for (const FileWrite* w : writes) reach = std::max(reach, w->offset + w->data.size());
  Bytes content = initial;
  content.resize(reach, 0);
  for (const FileWrite* w : writes) {
    if (w->truncates) {
      if (w->offset < reach) std::fill(content.begin() + static_cast<std::ptrdiff_t>(w->offset), content.end(), 0);
      size = w->offset;
      continue;
    }
    std::copy(w->data.begin(), w->data.end(), content.begin() + static_cast<std::ptrdiff_t>(w->offset));
    if (w->extends) size = std::max<std::uint64_t>(size, w->offset + w->data.size());
  }
  content.resize(size, 0);
  return content;
}

std::vector<const FileWrite*> in_real_time_order(const Observation& obs,
                                                 const std::vector<const FileWrite*>& writes) {
  std::vector<const FileWrite*> sorted = writes;
  // Sorting by the step a call began at is a linear extension of "completed
  // before": a ends before b begins, so a begins first.
  std::stable_sort(sorted.begin(), sorted.end(), [&](const FileWrite* a, const FileWrite* b) {
    const SyscallRecord& ca = obs.calls[a->call];
    const SyscallRecord& cb = obs.calls[b->call];
    if (ca.begin_step != cb.begin_step) return ca.begin_step < cb.begin_step;
    if (ca.thread != cb.thread) return ca.thread < cb.thread;
    return ca.op_index < cb.op_index;
  });
  return sorted;
}

std::string thread_label(const CheckOptions& options, sim::ThreadId t) {
  if (t < options.thread_names.size()) return "thread \"" + options.thread_names[t] + "\"";
  if (options.thread_names.empty() && options.config != nullptr && t < options.config->threads.size())
    return "thread \"" + options.config->threads[t].name + "\"";
  if (t == sim::kNoThread) return "an unknown thread";
  return "thread " + std::to_string(t);
}

std::string result_text(std::int64_t result) {
  const char* name = result == -14 ? " (EFAULT)" : result == -5 ? " (EIO)" : result == -11 ? " (EAGAIN)"
                     : result == -28 ? " (ENOSPC)" : result == -12 ? " (ENOMEM)" : "";
  return std::to_string(result) + name;
}

}  // namespace checker::invariants::detail
