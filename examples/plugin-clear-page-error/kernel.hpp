// linux-2.6.24 with one fix: do_generic_file_read clears PG_error before it
// issues a fresh read of a page (Jeff Moyer, Rik van Riel; torvalds/linux
// 91803b499cca, 2010). Without it a read error outlives the I/O that
// caused it: the page's next readpage succeeds and the read still fails
// (scenarios/variants/read-error-sticks.json, docs/errors.md). README.md.
#pragma once

#include "models/linux-2.6.24/kernel.hpp"

namespace clear_page_error {

using models::linux_2_6_24::ReadDescriptor;
using models::pagecache::File;

class Kernel : public models::linux_2_6_24::Kernel {
 public:
  using models::linux_2_6_24::Kernel::Kernel;

  // mm/filemap.c do_generic_mapping_read (2.6.24's name for the function the
  // commit changes), with ClearPageError before readpage.
  void do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) override;
};

}  // namespace clear_page_error
