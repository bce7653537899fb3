// The three ideas of Roman Zippel's mail (linux-mm, 15 Feb 2001) together,
// derived from zippel-lock-coupling (idea 3: no i_sem, pages locked hand
// over hand by writers and readers):
//   - idea 1: the write's copy_from_user and the read's copy_to_user are
//     nonblocking (EAGAIN on a locked page), filemap_nopage does not sleep on
//     a locked page in their faults (nonblocking_fault.hpp), and so is the
//     prefault made while a page is held; on EAGAIN the thread drops its page
//     lock, waits with no page lock held, and retries;
//   - idea 2: a copy that fails never clears PG_uptodate and leaves no
//     zero-fill behind; an uptodate page commits the bytes that were copied,
//     a page that is not uptodate none; block_prepare_write's error path no
//     longer clears PG_uptodate either; and PG_error says how the page's
//     last read ended: whoever starts a read of the page clears it
//     (readpage), the completion that fails sets it.
// The decisions the mail leaves open are in README.md.
#pragma once

#include <memory>

#include "models/zippel-lock-coupling/kernel.hpp"
#include "models/zippel-nonblocking-copy/nonblocking_fault.hpp"

namespace models::zippel_combined {

using linux_2_4_0::ReadDescriptor;
using pagecache::Bytes;
using pagecache::File;
using pagecache::Page;
using pagecache::State;

class Kernel : public zippel_nonblocking_copy::WithNonblockingFaults<zippel_lock_coupling::Kernel> {
 public:
  using WithNonblockingFaults<zippel_lock_coupling::Kernel>::WithNonblockingFaults;

  // ---- mm/filemap.c
  std::uint64_t file_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size) override;
  std::int64_t generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                  Bytes& data) override;
  // ---- fs/buffer.c
  int block_prepare_write(Page& page, unsigned from, unsigned to) override;
  // ---- mapping->a_ops->readpage: clears PG_error before it reads
  int readpage(Page& page) override;

 protected:
  void prefault_source(std::uint64_t buf, unsigned bytes, bool holding_page) override;
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::zippel_combined
