// Linux 2.6.24's buffered write path and the paths it meets, derived from
// linux-2.4.17 (mmap_sem an rw_semaphore): write_begin/write_end and
// generic_perform_write (commits 08291429cfa6 "mm: fix pagecache write
// deadlocks" and afddba49d18f "fs: introduce write_begin, write_end, and
// perform_write aops"); i_mutex taken around the whole write (also writev's);
// the prefault with no lock held; an atomic copy that stops short instead of
// faulting; a short copy into a page that is not uptodate commits nothing and
// the page is retried. The read path (do_generic_mapping_read, file_read_actor)
// and the fault path (filemap_fault, which returns the page locked) are
// 2.6.24's too. Functions follow the 2.6.24 tree (fulei0920/linux-2.6.24 @
// d18aa49 mm/filemap.c; sevico/linux-2.6.24-comment @ 345e607 fs/buffer.c);
// what is left as in 2.4 is in README.md.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/linux-2.4.17/kernel.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::ReadDescriptor;
using pagecache::BufferHead;
using pagecache::Bytes;
using pagecache::File;
using pagecache::IoVec;
using pagecache::Page;
using pagecache::Pte;
using pagecache::State;

// include/linux/fs.h struct iov_iter (2.6.24): the user buffers of a write
// and how far the write has got through them.
struct IovIter {
  std::vector<IoVec> iov;
  std::size_t seg = 0;          // i->iov
  std::uint64_t iov_offset = 0;
  std::uint64_t count = 0;
  bool single() const { return iov.size() == 1; }  // i->nr_segs == 1
  std::uint64_t cur() const { return iov[seg].address + iov_offset; }
  // mm/filemap.c iov_iter_single_seg_count.
  std::uint64_t single_seg_count() const;
  // mm/filemap.c iov_iter_advance / __iov_iter_advance_iov.
  void advance(std::uint64_t bytes);
};

inline constexpr int AOP_TRUNCATED_PAGE = 0x80001;

class Kernel : public linux_2_4_17::Kernel {
 public:
  explicit Kernel(State& s);  // sync.cpp: makes the mapping's writeback error object

  // ---- pagecache::Kernel
  // fs/read_write.c vfs_read / vfs_write: access_ok first (read_write.cpp).
  std::int64_t sys_read(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) override;
  std::int64_t sys_write(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) override;
  std::int64_t sys_pread(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos, Bytes& data) override;
  std::int64_t sys_pwrite(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos, Bytes& data) override;
  Page* filemap_nopage(Pte& area, std::uint64_t address, bool no_share) override;
  bool nopage_returns_locked() const override { return true; }
  int writepage(Page& page) override;
  void filemap_fdatasync() override;
  std::int64_t sys_fsync(File& file) override;
  // fs/read_write.c vfs_llseek -> f_op->llseek: generic_file_llseek for ext2
  // and ramfs (fs/ext2/file.c, fs/ramfs/file-mmu.c), under i_mutex (read_write.cpp)
  std::int64_t llseek(File& file, std::int64_t offset, linux_2_4_0::Whence origin) override;
  virtual std::int64_t generic_file_llseek(File& file, std::int64_t offset, linux_2_4_0::Whence origin);
  void end_buffer_async_write(BufferHead& bh, bool uptodate) override;
  void end_buffer_write_sync(BufferHead& bh, bool uptodate) override;

  // ---- fs/sync.c, mm/msync.c (sync.cpp): fsync and msync(MS_SYNC) of a struct file
  virtual int do_fsync(File& file);
  int msync_interval(const std::vector<Pte*>& vma) override;
  // mm/filemap.c filemap_fdatawait -> wait_on_page_writeback_range: waits,
  // then tests and clears AS_EIO
  int filemap_fdatawait() override;
  virtual void wait_on_page_writeback_range();

  // ---- fs/read_write.c: write, pwrite and writev reach f_op->aio_write
  std::int64_t generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                  Bytes& data) override;
  std::int64_t do_readv_writev_write(File& file, const std::vector<IoVec>& iov, Bytes& data) override;

  // ---- mm/filemap.c
  virtual std::int64_t generic_file_aio_write(File& file, const std::vector<IoVec>& iov, std::uint64_t& ppos,
                                              Bytes& data);
  virtual std::int64_t generic_perform_write(File& file, IovIter& i, std::uint64_t pos, Bytes& data);
  virtual int iov_iter_fault_in_readable(const IovIter& i, std::uint64_t bytes, const std::vector<std::uint64_t>& bad);
  virtual std::uint64_t iov_iter_copy_from_user_atomic(Page& page, const IovIter& i, unsigned offset,
                                                       std::uint64_t bytes, Bytes& got, std::vector<std::uint64_t>& bad);
  void do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) override;
  std::uint64_t file_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size) override;
  int page_cache_read(std::uint32_t index) override;
  Page* __grab_cache_page(std::uint32_t index, Page*& cached_page) override;
  virtual void page_cache_sync_readahead(File& filp, std::uint64_t index, std::uint64_t req_size);
  virtual void __do_page_cache_readahead(std::uint64_t offset, std::uint64_t nr_to_read);
  // Today's page_cache_ra_unbounded holds the invalidate lock shared over
  // the pages it adds and reads (linux-6-ext4); 2.6.24 has none.
  virtual void readahead_lock(bool take) { (void)take; }

  // ---- the a_ops write_begin / write_end (ext2_aops, ramfs_aops)
  virtual int write_begin(std::uint64_t pos, unsigned len, Page*& page);
  virtual int write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page);

  // ---- fs/buffer.c
  int __block_prepare_write(Page& page, unsigned from, unsigned to) override;
  int __block_commit_write(Page& page, unsigned from, unsigned to) override;
  virtual void page_zero_new_buffers(Page& page, unsigned from, unsigned to);
  virtual void mark_buffer_dirty(BufferHead& bh);
  virtual int block_write_begin(std::uint64_t pos, unsigned len, Page*& page);
  virtual int block_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page);
  virtual int generic_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page);

  // ---- mm/msync.c sys_msync (2.6.24): "If the interval [start,end) covers
  // some unmapped address ranges, just ignore them, but return -ENOMEM at
  // the end." 2.4 changed -EFAULT to -ENOMEM in 2.4.19 (mm/filemap.c of
  // bticino/linux-2.4.19-rmk7-pxa2-btweb @ d4022a4b; 2.4.17's, rickgaiser/
  // linux-2.4.17-ps2 @ 69d16910, still says -EFAULT): README.md.
  std::int64_t msync_unmapped_error() const override { return -linux_2_4_0::kENOMEM; }

  // ---- ftruncate (truncate.cpp): mm/memory.c, mm/truncate.c, fs/buffer.c
  void vmtruncate(std::uint64_t offset) override;
  virtual void truncate_pagecache(std::uint64_t newsize);
  virtual void unmap_mapping_range(std::uint64_t first, std::uint64_t end);
  void truncate_inode_pages(std::uint64_t lstart) override;
  virtual void truncate_locked_page(Page& page);
  void truncate_partial_page(Page& page, unsigned partial) override;
  void truncate_complete_page(Page& page) override;
  int block_flushpage(Page& page, unsigned offset) override;  // block_invalidatepage

  // ---- fs/libfs.c (ramfs_aops)
  virtual int simple_write_begin(std::uint64_t pos, unsigned len, Page*& page);
  virtual int simple_prepare_write(Page& page, unsigned from, unsigned to);
  virtual int simple_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page);
  virtual int simple_commit_write(Page& page, unsigned from, unsigned to);

 protected:
  // vmtruncate on a write_begin error path is not modelled: a scenario that
  // reaches it stops with an error saying so (never a silent skip).
  [[noreturn]] void vmtruncate_not_modelled(const char* where);
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::linux_2_6_24
