// mm/filemap.c of Linux 2.4.17 (rickgaiser/linux-2.4.17-ps2 @ 69d1691): the
// functions that differ from 2.4.0.
#include "models/linux-2.4.17/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::linux_2_4_17 {

using pagecache::KernelBuf;
using pagecache::Page;
using linux_2_4_0::kEFAULT;
using linux_2_4_0::kENOMEM;

// include/linux/sched.h (2.4.17) struct mm_struct: struct rw_semaphore
// mmap_sem; arch/mips/mm/fault.c do_page_fault: down_read(&mm->mmap_sem).
Kernel::Kernel(State& s) : linux_2_4_0::Kernel(s) { s.mm.use_rw_mmap_sem(s.ex); }

// mm/filemap.c (2.4.17) generic_file_write: commit_write runs after every
// copy; a fault in the copy only turns the status into -EFAULT.
std::int64_t Kernel::generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                        Bytes& data) {
  const std::uint64_t ps = s_.geo.page_size;
  Page* cached_page = nullptr;
  std::uint64_t written = 0;
  std::int64_t status = 0;
  std::int64_t err = 0;

  // (ssize_t) count < 0: not in the model.
  // mm/filemap.c L2911: "if (!access_ok(VERIFY_READ, buf, count)) return
  // -EFAULT;" before i_sem: a buffer at a kernel address changes nothing.
  if (!pagecache::access_ok(s_, buf, count)) return -kEFAULT;
  s_.inode.i_sem.down("generic_file_write: down(i_sem)");
  std::uint64_t pos = ppos;
  // L2932: if (!S_ISBLK(inode->i_mode) && file->f_flags & O_APPEND) pos = inode->i_size;
  if (file.f_flags & pagecache::kOpenAppend) pos = i_size_for_append("generic_file_write: O_APPEND pos = i_size", data);
  // pos < 0, file->f_error, RLIMIT_FSIZE, LFS, s_maxbytes: not in the model.
  // if (count == 0) goto out; remove_suid; times; mark_inode_dirty_sync; O_DIRECT: not in the model.
  if (count == 0) goto out;

  do {
    {
      const auto offset = static_cast<unsigned>(pos % ps);  // Within page
      const auto index = static_cast<std::uint32_t>(pos / ps);
      auto bytes = static_cast<unsigned>(ps - offset);
      if (bytes > count) bytes = static_cast<unsigned>(count);
      Bytes copied;
      std::uint32_t page_fault;

      // Bring in the user page that we will copy from _first_.
      {
        std::uint8_t dummy;
        pagecache::__get_user(s_, buf, dummy);
        pagecache::__get_user(s_, buf + bytes - 1, dummy);
      }

      status = -kENOMEM;  // we'll assign it later anyway
      Page* page = __grab_cache_page(index, cached_page);
      if (!page) break;
      // We have exclusive IO access to the page..
      if (!page->locked()) pagecache::BUG(ex(), "PAGE_BUG: generic_file_write got " + page->name() + " unlocked");

      // kaddr = kmap(page);
      status = prepare_write(*page, offset, offset + bytes);
      if (status) goto unlock;
      page_fault = pagecache::copy_from_user(s_, KernelBuf{page->data.base() + offset, page->data_obj()}, buf, bytes,
                                             &copied);
      // flush_dcache_page(page)
      status = commit_write(*page, offset, offset + bytes);
      if (page_fault) goto fail_write;
      if (!status) status = bytes;

      if (status >= 0) {
        written += status;
        count -= status;
        pos += status;
        buf += status;
        data.insert(data.end(), copied.begin(), copied.end());
      }
    unlock:
      // kunmap(page); SetPageReferenced(page): LRU only
      // Mark it unlocked again and drop the page..
      UnlockPage(*page);
      page_cache_release(*page);
      if (status < 0) break;
      continue;

    fail_write:
      status = -kEFAULT;
      goto unlock;
    }
  } while (count);
  ppos = pos;

  if (cached_page) page_cache_free(*cached_page);
  // O_SYNC: not in the model
  err = written ? static_cast<std::int64_t>(written) : status;
out:
  s_.inode.i_sem.up("generic_file_write: up(i_sem)");
  return err;
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::linux_2_4_17
