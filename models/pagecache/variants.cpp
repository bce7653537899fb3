#include "models/pagecache/variants.hpp"

#include <stdexcept>

#include "models/linux-2.4.0/kernel.hpp"

namespace models::pagecache {

namespace {

struct Variant {
  VariantInfo info;
  KernelFactory make_kernel;
};

// One line per variant; a new variant adds its line here.
const std::vector<Variant>& table() {
  static const std::vector<Variant> t = {
      {{"linux-2.4.0",
        "Linux 2.4.0 as in the 2001 mail: prefault, then copy_from_user under i_sem and the page lock; "
        "ClearPageUptodate on a short copy"},
       [](State& s) { return linux_2_4_0::make_kernel(s); }},
  };
  return t;
}

}  // namespace

const std::vector<VariantInfo>& variants() {
  static const std::vector<VariantInfo> v = [] {
    std::vector<VariantInfo> out;
    for (const Variant& x : table()) out.push_back(x.info);
    return out;
  }();
  return v;
}

std::unique_ptr<PageCacheProgram> make_program(const Config& cfg) {
  for (const Variant& x : table())
    if (x.info.name == cfg.variant) return std::make_unique<PageCacheProgram>(cfg, x.make_kernel);
  std::string known;
  for (const Variant& x : table()) known += (known.empty() ? "" : ", ") + x.info.name;
  throw std::invalid_argument("unknown page-cache variant \"" + cfg.variant + "\" (known: " + known + ")");
}

}  // namespace models::pagecache
