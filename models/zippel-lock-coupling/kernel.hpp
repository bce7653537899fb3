// Roman Zippel's idea 3 (linux-mm, 15 Feb 2001, "page locking and error
// handling"): "During a write we always lock at least one page and we don't
// release the previous page until we got the next ... the i_sem is not
// needed anymore ... a read can't outrun a write anymore". Derived from
// linux-2.4.0: the write takes no i_sem and locks page n+1 before it unlocks
// page n; the read locks every page, also an uptodate one, hand over hand in
// the same way, and copies it out under its lock. Everything else (the
// copies, the prefault, the short-copy path, filemap_nopage) is 2.4.0's. The
// decisions the mail leaves open are in README.md.
#pragma once

#include <memory>

#include "models/linux-2.4.0/kernel.hpp"

namespace models::zippel_lock_coupling {

using linux_2_4_0::ReadDescriptor;
using pagecache::Bytes;
using pagecache::File;
using pagecache::Page;
using pagecache::State;

class Kernel : public linux_2_4_0::Kernel {
 public:
  explicit Kernel(State& s) : linux_2_4_0::Kernel(s) {}

  // ---- mm/filemap.c
  void do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) override;
  std::int64_t generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                  Bytes& data) override;

 protected:
  // The prefault of the next page's source bytes, while the previous page
  // may still be locked (2.4.0's two __get_user; zippel-combined makes it
  // nonblocking while a page is held).
  virtual void prefault_source(std::uint64_t buf, unsigned bytes, bool holding_page);
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::zippel_lock_coupling
