// mm/filemap.c of Linux 2.4.0 (liexusong/linux-2.4.0 @ 9deca51) with the
// mail's idea 1: generic_file_write with a nonblocking copy and a retry.
#include "models/zippel-nonblocking-copy/kernel.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::zippel_nonblocking_copy {

using linux_2_4_0::kEFAULT;
using linux_2_4_0::kENOMEM;
using pagecache::KernelBuf;
using pagecache::Page;

// mm/filemap.c L2442 generic_file_write; the copy is nonblocking, and EAGAIN
// drops the page and retries it.
std::int64_t Kernel::generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                        Bytes& data) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  std::uint64_t written = 0;
  std::int64_t status = 0;
  std::int64_t err;

  s_.inode.i_sem.down("generic_file_write: down(i_sem)");
  std::uint64_t pos = ppos;
  // 2.4.0's O_APPEND (mm/filemap.c L2470), under i_sem.
  if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_file_write: O_APPEND pos = i_size", data);

  while (count) {
    const auto offset = static_cast<unsigned>(pos % ps);
    const auto index = static_cast<std::uint32_t>(pos / ps);
    auto bytes = static_cast<unsigned>(ps - offset);
    if (bytes > count) bytes = static_cast<unsigned>(count);
    Bytes copied;
    pagecache::NonblockingCopy c;

    // The prefault holds no page lock, so it may sleep on one: after an
    // EAGAIN this is where the writer waits for the page that stopped it.
    {
      std::uint8_t dummy;
      pagecache::__get_user(s_, buf, dummy);
      pagecache::__get_user(s_, buf + bytes - 1, dummy);
    }

    status = -kENOMEM;
    Page* page = __grab_cache_page(index, cached_page);
    if (!page) break;
    if (!page->locked()) pagecache::BUG(ex(), "PAGE_BUG: generic_file_write got " + page->name() + " unlocked");

    status = prepare_write(*page, offset, offset + bytes);
    if (status) goto unlock;
    c = pagecache::copy_from_user_nonblocking(s_, KernelBuf{page->data.base() + offset, page->data_obj()}, buf, bytes,
                                              &copied, /*zero_fill=*/true);
    if (c.eagain) {
      // EAGAIN: the copy met a locked page. Nothing of this page is
      // committed; drop it (its lock and our reference) and retry it.
      UnlockPage(*page);
      page_cache_release(*page);
      continue;
    }
    status = c.left;
    if (status) goto fail_write;
    status = commit_write(*page, offset, offset + bytes);
    if (!status) status = bytes;

    if (status >= 0) {
      written += status;
      count -= status;
      pos += status;
      buf += status;
      data.insert(data.end(), copied.begin(), copied.end());
    }
    goto unlock;

  fail_write:
    status = -kEFAULT;
    ClearPageUptodate(*page);

  unlock:
    UnlockPage(*page);
    page_cache_release(*page);
    if (status < 0) break;
  }
  ppos = pos;

  if (cached_page) page_cache_free(*cached_page);
  err = written ? static_cast<std::int64_t>(written) : status;
  s_.inode.i_sem.up("generic_file_write: up(i_sem)");
  return err;
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::zippel_nonblocking_copy
