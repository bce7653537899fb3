#include "checker/invariants/uptodate_lost.hpp"

#include <memory>
#include <string>
#include <unordered_map>

namespace checker::invariants {

using models::pagecache::Bytes;
using models::pagecache::Filesystem;
using models::pagecache::Page;
using models::pagecache::State;
using models::pagecache::show_bytes;

namespace {

bool pte_dirty_maps(const State& s, const Page& page) {
  for (const auto& [vpn, pte] : s.mm.ptes)
    if (pte.present && pte.dirty && pte.page == &page) return true;
  return false;
}

// The bytes of the page that the disk does not hold: per block, the page's
// bytes where they differ from the block (or from zeros, for a block the
// file has not got), in blocks that are dirty (or all blocks when the whole
// page is, by PG_dirty or a dirty pte).
std::string bytes_not_on_disk(const State& s, const Page& page, bool whole_page) {
  const std::uint32_t bs = s.geo.block_size;
  std::string out;
  for (std::uint32_t j = 0; j < s.blocks_per_page; ++j) {
    const bool dirty = whole_page || (page.has_buffers && page.buffers[j].dirty);
    if (!dirty) continue;
    const std::uint64_t fb = std::uint64_t{page.index} * s.blocks_per_page + j;
    const bool on_disk = fb < s.inode.allocated.size() && s.inode.allocated[fb];
    Bytes mem(page.data.peek().begin() + j * bs, page.data.peek().begin() + (j + 1) * bs);
    Bytes disk = on_disk ? s.disk.blocks[fb] : Bytes(bs, 0);
    if (mem == disk) continue;
    const std::uint64_t at = std::uint64_t{page.index} * s.geo.page_size + j * bs;
    if (!out.empty()) out += ", ";
    out += "file bytes [" + std::to_string(at) + "," + std::to_string(at + bs) + ") " + show_bytes(mem) +
           " (the disk has " + (on_disk ? show_bytes(disk) : std::string("no block")) + ")";
  }
  return out;
}

}  // namespace

std::function<void()> uptodate_lost_check(sim::Execution& ex, const State& s) {
  auto was_uptodate = std::make_shared<std::unordered_map<std::uint64_t, bool>>();
  return [&ex, &s, was_uptodate] {
    for (const auto& p : s.pages) {
      const Page& page = *p;
      if (page.freed) {
        was_uptodate->erase(page.serial);
        continue;
      }
      bool& before = (*was_uptodate)[page.serial];
      const bool now = page.uptodate;
      // A page that truncate is removing (Page::truncated) holds no file data.
      const bool cleared = before && !now && page.mapping && !page.truncated;
      before = now;
      if (!cleared) continue;

      const std::string who = ex.current() < ex.thread_count() ? ex.thread_name(ex.current()) : std::string("?");
      const std::string head = "PG_uptodate cleared on " + page.name() + " by " + who + " at step " +
                               std::to_string(ex.steps()) + ": ";
      if (s.cfg.filesystem == Filesystem::ramfs) {
        const std::uint64_t ps = s.geo.page_size;
        const std::uint64_t from = std::uint64_t{page.index} * ps;
        const std::uint64_t to = std::min<std::uint64_t>(s.inode.i_size, from + ps);
        const Bytes file_bytes = to > from ? Bytes(page.data.peek().begin(), page.data.peek().begin() + (to - from)) : Bytes{};
        ex.fail("uptodate-lost", head + "the page is the only copy of its data (ramfs), and the next read "
                                        "zero-fills it: file bytes [" + std::to_string(from) + "," +
                                        std::to_string(std::max(from, to)) + ") " + show_bytes(file_bytes) +
                                        " are lost");
      }
      const bool pte_dirty = pte_dirty_maps(s, page);
      if (page.dirty || page.any_buffer_dirty() || pte_dirty) {
        std::string why = page.dirty ? "PG_dirty" : pte_dirty ? "a dirty pte maps it" : "dirty buffers";
        const std::string lost = bytes_not_on_disk(s, page, page.dirty || pte_dirty);
        ex.fail("uptodate-lost", head + "its data is newer than the disk (" + why + ")" +
                                     (lost.empty() ? std::string() : ": " + lost));
      }
    }
  };
}

void install_uptodate_lost(sim::Execution& ex, const State& state) {
  ex.set_step_check(uptodate_lost_check(ex, state));
}

}  // namespace checker::invariants
