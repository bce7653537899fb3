// Linux 2.4.17 (rickgaiser/linux-2.4.17-ps2 @ 69d1691010e92b14133758864c1433042de028cf):
// linux-2.4.0 with the two changes that matter to the page-cache paths of
// the mail:
//   - generic_file_write (mm/filemap.c) always runs commit_write, also after
//     a short copy, and no longer clears PG_uptodate then;
//   - mm->mmap_sem is a struct rw_semaphore (since 2.4.3): page faults take
//     it for reading (arch/*/mm/fault.c do_page_fault: down_read), munmap for
//     writing, msync for reading;
//   - vmtruncate (mm/memory.c) zaps the mappings' ptes before
//     truncate_inode_pages, not after (truncate.cpp).
// Everything else is reached in linux-2.4.0, not copied (README.md).
#pragma once

#include <memory>

#include "models/linux-2.4.0/kernel.hpp"

namespace models::linux_2_4_17 {

using pagecache::Bytes;
using pagecache::File;
using pagecache::State;

class Kernel : public linux_2_4_0::Kernel {
 public:
  explicit Kernel(State& s);

  // ---- mm/filemap.c
  std::int64_t generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                  Bytes& data) override;

  // ---- mm/memory.c (truncate.cpp)
  void vmtruncate(std::uint64_t offset) override;
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::linux_2_4_17
