// The seam between the shared page-cache objects and a kernel variant.
//
// A variant is a class derived from Kernel (linux-2.4.0 implements all of
// it); a later variant derives from the variant it changes and overrides only
// the functions that differ (e.g. zippel-nonblocking-copy would override
// filemap_nopage and generic_file_write of models/linux-2.4.0). The shared
// parts (user memory and its fault path, the disk, the agents, the program)
// reach the kernel only through the virtual functions below, and each
// variant's functions call each other virtually too, so an override is seen
// everywhere it is called from.
#pragma once

#include <cstdint>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/inode.hpp"
#include "models/pagecache/mm.hpp"
#include "models/pagecache/page.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::pagecache {

class State;

class Kernel {
 public:
  explicit Kernel(State& s) : s_(s) {}
  virtual ~Kernel() = default;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // ---- system calls. Each returns what the syscall returns (bytes, or
  // -errno). `data` receives what SyscallRecord::data defines: for a write,
  // the bytes it copied from user memory for the part it reports written;
  // for a read, the bytes it stored to user memory.
  virtual std::int64_t sys_read(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) = 0;
  virtual std::int64_t sys_write(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) = 0;
  virtual std::int64_t sys_pread(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos,
                                 Bytes& data) = 0;
  virtual std::int64_t sys_pwrite(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos,
                                  Bytes& data) = 0;
  virtual std::int64_t sys_writev(File& file, const std::vector<IoVec>& iov, Bytes& data) = 0;
  virtual std::int64_t sys_msync(std::uint64_t start, std::uint64_t len) = 0;  // MS_SYNC
  virtual std::int64_t sys_fsync(File& file) = 0;
  // file15: lseek, close and open of the thread's struct file. sys_lseek
  // returns the new f_pos or -errno; sys_close what filp_close returns (the
  // caller has already emptied the fd: later calls get -EBADF); sys_open
  // makes `file` a new struct file with `flags` (f_pos 0) and returns 0 (the
  // model's open cannot fail; the fd it returns is the thread's one fd).
  virtual std::int64_t sys_lseek(File& file, std::int64_t offset, Operation::Whence whence) = 0;
  virtual std::int64_t sys_close(File& file) = 0;
  virtual std::int64_t sys_open(File& file, std::uint32_t flags) = 0;
  // ftruncate(2) (issue 15): fs/open.c sys_ftruncate and the variant's
  // truncate path (models/<variant>/truncate.cpp). Returns 0 or -errno.
  virtual std::int64_t sys_ftruncate(File& file, std::uint64_t length) = 0;

  // ---- what the shared parts call
  // vma->vm_ops->nopage of a MAP_SHARED file mapping (do_no_page calls it
  // with mmap_sem held). Returns the page with a reference, or nullptr (SIGBUS).
  virtual Page* filemap_nopage(Pte& area, std::uint64_t address, bool no_share) = 0;
  // bh->b_end_io == end_buffer_io_async: run by the disk at I/O completion.
  virtual void end_buffer_io_async(BufferHead& bh, bool uptodate) = 0;
  // The completion of a block write, which 2.6 split from the read's
  // (fs/buffer.c end_buffer_async_write, end_buffer_write_sync) to record a
  // write error in the address space. 2.4.0 runs the read's completion.
  virtual void end_buffer_async_write(BufferHead& bh, bool uptodate) { end_buffer_io_async(bh, uptodate); }
  virtual void end_buffer_write_sync(BufferHead& bh, bool uptodate);
  // mapping->a_ops->writepage (page_launder): called with the page locked; unlocks it.
  virtual int writepage(Page& page) = 0;
  // fs/buffer.c try_to_free_buffers (page_launder; called with the page locked).
  virtual int try_to_free_buffers(Page& page, int wait) = 0;
  // Whether filemap_nopage returns the page locked, as 2.6.23's filemap_fault
  // does (VM_FAULT_LOCKED): do_no_page then unlocks it after setting the pte.
  virtual bool nopage_returns_locked() const { return false; }

  // ---- the end-of-run epilogue of the lost-data check, run alone
  // Reads [0, i_size) through the page cache (do_generic_file_read into a
  // kernel buffer). Returns the error the read stopped with (0 or -errno).
  virtual int epilogue_read(Bytes& out) = 0;
  // Writes back everything dirty and waits for it (the sys_fsync path).
  virtual void epilogue_sync() = 0;
  // Evicts every page the kernel can evict (buffers freed, then
  // invalidate_inode_pages).
  virtual void epilogue_evict() = 0;

  // ---- uaccess15: access_ok (models/pagecache/uaccess.hpp)
  // TASK_SIZE, where kernel addresses begin: i386's PAGE_OFFSET 0xC0000000
  // (2.4.0 include/asm-i386/processor.h L261, page.h L81; 2.6.24's default
  // CONFIG_PAGE_OFFSET, VMSPLIT_3G); linux-6-* override it with x86-64's.
  virtual std::uint64_t task_size() const { return kI386TaskSize; }

 protected:
  State& s_;
};

}  // namespace models::pagecache
