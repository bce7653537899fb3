// Roman Zippel's idea 1 alone, on Linux 2.4.0 (liexusong/linux-2.4.0 @
// 9deca51): generic_file_write copies with copy_from_user_nonblocking; when
// the copy meets a locked page (EAGAIN) the writer commits nothing, drops its
// page and retries that page from the prefault, which may then sleep: it
// holds no page lock. filemap_nopage fails instead of sleeping on a locked
// page in such a copy's fault (nonblocking_fault.hpp). i_sem, the prefault,
// the failed-copy path (zero-fill, ClearPageUptodate, no commit) and the
// read path are 2.4.0's. The decisions the mail leaves open are in README.md.
#pragma once

#include <memory>

#include "models/linux-2.4.0/kernel.hpp"
#include "models/zippel-nonblocking-copy/nonblocking_fault.hpp"

namespace models::zippel_nonblocking_copy {

using pagecache::Bytes;
using pagecache::File;
using pagecache::State;

class Kernel : public WithNonblockingFaults<linux_2_4_0::Kernel> {
 public:
  using WithNonblockingFaults<linux_2_4_0::Kernel>::WithNonblockingFaults;

  // ---- mm/filemap.c
  std::int64_t generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                  Bytes& data) override;
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::zippel_nonblocking_copy
