// Today's buffered read and write paths with ext4's inode-lock rules,
// derived from linux-2.6.24: generic_perform_write as in gregkh/linux @
// 1c6d58b8a03b656bfe4c6930a7d6052782c0bc89 mm/filemap.c (write_begin, an
// atomic copy, write_end; a copy that made no progress retries with the
// bytes it did copy, and only then faults the source in, with no folio
// locked), filemap_read of the same tree (a batch of cached pages, i_size
// read once the pages are uptodate, copies with no lock), today's
// block_write_begin (no ClearPageUptodate on error) and simple_write_end
// (zeroes only a page that is not uptodate); the inode lock is the
// rw_semaphore i_rwsem: ext4_buffered_write_iter takes it exclusive
// (inode_lock), ext4_file_read_iter takes none for buffered reads
// (gregkh/linux @ 26b1bfbd8417240adf60564a9991c9ed5ec9e877 fs/ext4/file.c).
// What stays as in 2.6.24 or 2.4 is in README.md.
#pragma once

#include <memory>
#include <vector>

#include "models/linux-2.6.24/kernel.hpp"

namespace models::linux_6_ext4 {

using linux_2_6_24::IovIter;
using pagecache::Bytes;
using pagecache::File;
using pagecache::IoVec;
using pagecache::Page;
using pagecache::State;

class Kernel : public linux_2_6_24::Kernel {
 public:
  explicit Kernel(State& s);

  // ---- pagecache::Kernel
  Page* filemap_nopage(pagecache::Pte& area, std::uint64_t address, bool no_share) override;
  int epilogue_read(Bytes& out) override;
  void end_buffer_async_write(pagecache::BufferHead& bh, bool uptodate) override;
  void end_buffer_write_sync(pagecache::BufferHead& bh, bool uptodate) override;
  // x86-64: TASK_SIZE_MAX with 4-level paging, which 6.x's __access_ok
  // compares the end of a buffer with (USER_PTR_MAX = TASK_SIZE_MAX).
  std::uint64_t task_size() const override { return pagecache::kX86_64TaskSizeMax; }

  // ---- fs/ext4/fsync.c, mm/filemap.c, fs/buffer.c (sync.cpp): writeback
  // errors as errseq_t per struct file (models/pagecache/errseq.hpp)
  int do_fsync(File& file) override;
  int filemap_fdatawait() override;
  virtual void mark_buffer_write_io_error(pagecache::BufferHead& bh);
  virtual int file_check_and_advance_wb_err(File& file);

  // ---- file15 (open.cpp): open samples wb_err; lseek's llseeks
  // fs/open.c do_dentry_open: f->f_wb_err = filemap_sample_wb_err(f->f_mapping)
  void dentry_open(File& file, std::uint32_t flags) override;
  // f_op->llseek: ext4_llseek (XFS: xfs_file_llseek; ramfs:
  // generic_file_llseek), each generic_file_llseek_size(..., i_size_read(inode))
  std::int64_t llseek(File& file, std::int64_t offset, linux_2_4_0::Whence whence) override;
  virtual std::int64_t generic_file_llseek_size(File& file, std::int64_t offset, linux_2_4_0::Whence whence,
                                                std::uint64_t eof);

  // ---- fs/ext4/file.c: ext4_file_write_iter -> ext4_buffered_write_iter;
  // ext4_file_read_iter -> generic_file_read_iter
  std::int64_t generic_file_aio_write(File& file, const std::vector<IoVec>& iov, std::uint64_t& ppos,
                                      Bytes& data) override;
  std::int64_t generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                 Bytes& data) override;

  // ---- mm/filemap.c
  std::int64_t generic_perform_write(File& file, IovIter& i, std::uint64_t pos, Bytes& data) override;
  virtual std::uint64_t fault_in_iov_iter_readable(const IovIter& i, std::uint64_t size,
                                                   const std::vector<std::uint64_t>& bad);
  // `kbuf`: a kernel read (kernel_read's kvec), the bytes appended there.
  virtual std::int64_t filemap_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                    Bytes& data, Bytes* kbuf = nullptr);
  virtual int filemap_get_pages(File& filp, std::uint64_t pos, std::uint64_t count, std::vector<Page*>& batch);
  virtual void filemap_get_read_batch(std::uint64_t index, std::uint64_t max, std::vector<Page*>& batch);
  virtual int filemap_update_page(std::uint64_t pos, std::uint64_t count, Page& page);
  virtual int filemap_create_folio(std::uint64_t pos, std::vector<Page*>& batch);
  virtual int filemap_read_folio(Page& page);
  void page_cache_sync_readahead(File& filp, std::uint64_t index, std::uint64_t req_size) override;

  // ---- fs/buffer.c
  int block_write_begin(std::uint64_t pos, unsigned len, Page*& page) override;
  virtual bool block_is_partially_uptodate(Page& page, std::uint64_t from, std::uint64_t count);

  int generic_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) override;

  // ---- fs/libfs.c
  int simple_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) override;

  // ---- mm/truncate.c, mm/rmap.c
  virtual void pagecache_isize_extended(std::uint64_t from, std::uint64_t to);
  virtual int folio_mkclean(Page& page);

  // ---- ftruncate (truncate.cpp): fs/open.c do_truncate under inode_lock,
  // fs/ext4/inode.c ext4_setattr, mm/truncate.c truncate_setsize (ramfs's
  // simple_setattr), include/linux/fs.h filemap_invalidate_lock*
  int do_truncate(std::uint64_t length) override;
  int notify_change(std::uint64_t length) override;
  virtual int ext4_setattr(std::uint64_t size);
  virtual void truncate_setsize(std::uint64_t newsize);
  virtual void filemap_invalidate_lock(bool exclusive, const char* label);
  virtual void filemap_invalidate_unlock(bool exclusive, const char* label);
  void readahead_lock(bool take) override;

 protected:
  // The inode lock around a buffered write (ext4: inode_lock).
  virtual void write_lock();
  virtual void write_unlock();
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::linux_6_ext4
