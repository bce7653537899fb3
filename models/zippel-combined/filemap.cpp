// mm/filemap.c and fs/buffer.c of Linux 2.4.0 (liexusong/linux-2.4.0 @
// 9deca51) with the mail's three ideas: the functions that differ from
// zippel-lock-coupling.
#include "models/zippel-combined/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::zippel_combined {

using linux_2_4_0::kEFAULT;
using linux_2_4_0::kEIO;
using linux_2_4_0::kENOMEM;
using pagecache::FaultResult;
using pagecache::KernelBuf;

// The prefault (mm/filemap.c L2487, two __get_user): blocking when the
// writer holds no page lock, nonblocking while it still holds the previous
// page (its result is ignored, as 2.4.0 ignores it).
void Kernel::prefault_source(std::uint64_t buf, unsigned bytes, bool holding_page) {
  std::uint8_t dummy;
  if (!holding_page) {
    pagecache::__get_user(s_, buf, dummy);
    pagecache::__get_user(s_, buf + bytes - 1, dummy);
    return;
  }
  pagecache::__get_user_nonblocking(s_, buf, dummy);
  pagecache::__get_user_nonblocking(s_, buf + bytes - 1, dummy);
}

// mm/filemap.c L1215 file_read_actor, called with the page locked (lock
// coupling); the copy is nonblocking. On EAGAIN the reader unlocks the page
// (the only page lock it holds here), faults the destination in, locks the
// page again and copies the rest.
std::uint64_t Kernel::file_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size) {
  const std::uint64_t count = desc.count;
  if (size > count) size = count;
  std::uint64_t done = 0;
  for (;;) {
    const pagecache::NonblockingCopy c = pagecache::copy_to_user_nonblocking(
        s_, desc.buf + done, KernelBuf{page.data.base() + offset + done, page.data_obj()},
        static_cast<std::uint32_t>(size - done), desc.data);
    done = size - c.left;
    if (!c.eagain) break;
    UnlockPage(page);
    const FaultResult f = pagecache::do_page_fault(s_, desc.buf + done, true);
    lock_page(page);
    if (f != FaultResult::handled) break;
    if (!page.uptodate) {  // under the page lock, folded into its step
      desc.error = -kEIO;
      break;
    }
  }
  if (done < size && !desc.error) desc.error = -kEFAULT;
  size = done;
  desc.count = count - size;
  desc.written += size;
  desc.buf += size;
  return size;
}

// mm/filemap.c L2442 generic_file_write with lock coupling (as
// zippel-lock-coupling), a nonblocking copy with retry on EAGAIN, and a
// failed copy that clears no page state.
std::int64_t Kernel::generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                        Bytes& data) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  Page* prev = nullptr;
  std::uint64_t written = 0;
  std::int64_t status = 0;

  std::uint64_t pos = ppos;
  // 2.4.0's O_APPEND (mm/filemap.c L2470), with no i_sem (zippel-lock-coupling's).
  if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_file_write: O_APPEND pos = i_size", data);
  while (count) {
    const auto offset = static_cast<unsigned>(pos % ps);
    const auto index = static_cast<std::uint32_t>(pos / ps);
    auto bytes = static_cast<unsigned>(ps - offset);
    if (bytes > count) bytes = static_cast<unsigned>(count);
    Bytes copied;
    pagecache::NonblockingCopy c;

    prefault_source(buf, bytes, prev != nullptr);

    status = -kENOMEM;
    Page* page = __grab_cache_page(index, cached_page);
    if (!page) break;
    if (prev) {
      UnlockPage(*prev);
      page_cache_release(*prev);
      prev = nullptr;
    }
    if (!page->locked()) pagecache::BUG(ex(), "PAGE_BUG: generic_file_write got " + page->name() + " unlocked");

    status = prepare_write(*page, offset, offset + bytes);
    if (status) goto unlock;
    c = pagecache::copy_from_user_nonblocking(s_, KernelBuf{page->data.base() + offset, page->data_obj()}, buf, bytes,
                                              &copied, /*zero_fill=*/false);
    if (c.eagain) {
      // Drop the page: the writer holds no page lock now, and the prefault
      // of the retry may sleep until the page that stopped the copy is free.
      UnlockPage(*page);
      page_cache_release(*page);
      continue;
    }
    if (c.left) {
      // A copy that failed: PG_uptodate stays as it is. The bytes copied
      // are committed into an uptodate page; into a page that is not
      // uptodate nothing is (its blocks may be partly unread).
      const unsigned got = bytes - c.left;
      if (got && page->uptodate && commit_write(*page, offset, offset + got) == 0) {  // PG_uptodate: under the page lock
        written += got;
        count -= got;
        pos += got;
        buf += got;
        data.insert(data.end(), copied.begin(), copied.begin() + got);
      }
      status = -kEFAULT;
      goto unlock;
    }
    status = commit_write(*page, offset, offset + bytes);
    if (!status) status = bytes;
    if (status >= 0) {
      written += status;
      count -= status;
      pos += status;
      buf += status;
      data.insert(data.end(), copied.begin(), copied.end());
      prev = page;
      continue;
    }

  unlock:
    UnlockPage(*page);
    page_cache_release(*page);
    break;
  }
  if (prev) {
    UnlockPage(*prev);
    page_cache_release(*prev);
  }
  ppos = pos;
  if (cached_page) page_cache_free(*cached_page);
  return written ? static_cast<std::int64_t>(written) : status;
}

// fs/buffer.c L1832 block_prepare_write, without the ClearPageUptodate of
// its error path (idea 2: "A page shouldn't get suddenly not uptodate").
int Kernel::block_prepare_write(Page& page, unsigned from, unsigned to) { return __block_prepare_write(page, from, to); }

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

// Idea 2 for errors ("we need to _clearly_ define who sets/clears which bit.
// Especially in error situations"): PG_error is the outcome of the page's
// last read. The completion that fails sets it (end_buffer_io_async); the
// thread that starts a new read clears it first, with the page locked, so
// an error never outlives the I/O that caused it (2.4.0 clears it only in
// filemap_nopage's retry; Linux made this rule general in 2010, "clear page
// errors when issuing a fresh read of the page").
int Kernel::readpage(Page& page) {
  ClearPageError(page);
  return WithNonblockingFaults<zippel_lock_coupling::Kernel>::readpage(page);
}

}  // namespace models::zippel_combined
