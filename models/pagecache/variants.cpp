#include "models/pagecache/variants.hpp"

#include <stdexcept>

#include "models/linux-2.4.0/kernel.hpp"
#include "models/linux-2.4.17/kernel.hpp"
#include "models/linux-2.6.24/kernel.hpp"
#include "models/linux-6-ext4/kernel.hpp"
#include "models/linux-6-xfs/kernel.hpp"
#include "models/zippel-combined/kernel.hpp"
#include "models/zippel-lock-coupling/kernel.hpp"
#include "models/zippel-nonblocking-copy/kernel.hpp"

namespace models::pagecache {

namespace {

struct Variant {
  VariantInfo info;
  KernelFactory make_kernel;
};

// One line per built-in variant; a new one adds its line here (or is built
// outside the tree as a plugin: register_variant).
std::vector<Variant>& table() {
  static std::vector<Variant> t = {
      {{"linux-2.4.0",
        "Linux 2.4.0 as in the 2001 mail: prefault, then copy_from_user under i_sem and the page lock; "
        "ClearPageUptodate on a short copy"},
       [](State& s) { return linux_2_4_0::make_kernel(s); }},
      {{"linux-2.4.17",
        "Linux 2.4.17: commit_write runs after a short copy too (no ClearPageUptodate); mmap_sem is an "
        "rw_semaphore"},
       [](State& s) { return linux_2_4_17::make_kernel(s); }},
      {{"zippel-nonblocking-copy",
        "2.4.0 with the mail's idea 1: a copy_from_user that meets a locked page returns EAGAIN; the writer "
        "drops its page and retries"},
       [](State& s) { return zippel_nonblocking_copy::make_kernel(s); }},
      {{"zippel-lock-coupling",
        "2.4.0 with the mail's idea 3: no i_sem; writers and readers lock pages hand over hand"},
       [](State& s) { return zippel_lock_coupling::make_kernel(s); }},
      {{"zippel-combined",
        "the mail's three ideas: lock coupling, nonblocking copies with retry, page state a failed copy "
        "never clears"},
       [](State& s) { return zippel_combined::make_kernel(s); }},
      {{"linux-2.6.24",
        "Linux 2.6.24: write_begin/write_end under i_mutex; prefault with no lock held, atomic copy, a short "
        "copy into a page that is not uptodate commits nothing and is retried"},
       [](State& s) { return linux_2_6_24::make_kernel(s); }},
      {{"linux-6-ext4",
        "today's generic_perform_write and filemap_read; ext4 takes i_rwsem for writes, none for buffered "
        "reads"},
       [](State& s) { return linux_6_ext4::make_kernel(s); }},
      {{"linux-6-xfs",
        "as linux-6-ext4, but buffered reads take i_rwsem shared (XFS_IOLOCK_SHARED)"},
       [](State& s) { return linux_6_xfs::make_kernel(s); }},
  };
  return t;
}

}  // namespace

std::vector<VariantInfo> variants() {
  std::vector<VariantInfo> out;
  for (const Variant& x : table()) out.push_back(x.info);
  return out;
}

const VariantInfo* find_variant(const std::string& name) {
  for (const Variant& x : table())
    if (x.info.name == name) return &x.info;
  return nullptr;
}

// Plugins register at start-up, before any search runs (the CLI loads them
// right after it parses its arguments), so the table is not shared with a
// running worker while it grows.
void register_variant(VariantInfo info, KernelFactory make_kernel) {
  if (info.name.empty()) throw std::invalid_argument("a variant needs a name");
  if (const VariantInfo* had = find_variant(info.name))
    throw std::invalid_argument("the variant \"" + info.name + "\" exists already (" +
                                (had->plugin.empty() ? std::string("built in") : "from " + had->plugin) + ")");
  if (!make_kernel) throw std::invalid_argument("the variant \"" + info.name + "\" has no kernel factory");
  table().push_back({std::move(info), std::move(make_kernel)});
}

std::unique_ptr<PageCacheProgram> make_program(const Config& cfg) {
  for (const Variant& x : table())
    if (x.info.name == cfg.variant) return std::make_unique<PageCacheProgram>(cfg, x.make_kernel);
  std::string known;
  for (const Variant& x : table()) known += (known.empty() ? "" : ", ") + x.info.name;
  throw std::invalid_argument("unknown page-cache variant \"" + cfg.variant + "\" (known: " + known + ")");
}

}  // namespace models::pagecache
