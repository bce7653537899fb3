// Linux 2.4.0 (liexusong/linux-2.4.0 @ 9deca51, its first commit): the
// kernel functions of the page-cache paths, each named as the kernel's and
// taking its steps in the kernel's order, each with a comment line naming
// the file, function and line it follows. The functions live in files that
// mirror the kernel's: filemap.cpp (mm/filemap.c), buffer.cpp (fs/buffer.c),
// ext2.cpp (fs/ext2/inode.c, fs/ext2/fsync.c), ramfs.cpp (fs/ramfs/inode.c),
// read_write.cpp (fs/read_write.c), open.cpp (fs/open.c), truncate.cpp (ftruncate's
// path: fs/open.c do_truncate, fs/attr.c, mm/memory.c vmtruncate, mm/filemap.c).
//
// Every function is virtual and they call each other through `this`: a later
// variant derives from this class and overrides only what it changes (e.g.
// linux-2.4.17 overrides generic_file_write; zippel-nonblocking-copy
// overrides filemap_nopage and generic_file_write), and the rest is reached,
// not copied.
//
// What the model leaves out, because it changes no page, buffer, lock or
// byte the scenarios can see: inode metadata (remove_suid, times,
// mark_inode_dirty, the inode's own block on disk), the LRU lists and page
// ageing (deactivate_page, drop_behind, page->age), O_SYNC/rlimits,
// balance_dirty (the model has no memory pressure threshold), the buffer
// cache's hash aliases (unmap_underlying_metadata finds none), tq_disk
// plugging (run_task_queue, sync_page), kmap/flush_dcache_page (i386 no-ops).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/pagecache/kernel.hpp"
#include "models/pagecache/state.hpp"

namespace models::linux_2_4_0 {

using pagecache::BufferHead;
using pagecache::Bytes;
using pagecache::File;
using pagecache::IoVec;
using pagecache::Page;
using pagecache::Pte;
using pagecache::State;
using Whence = pagecache::Operation::Whence;

// include/linux/fs.h read_descriptor_t. `data` collects what reached user
// memory (the observation); `kbuf` is kernel_read_actor's destination.
struct ReadDescriptor {
  std::uint64_t written = 0;
  std::uint64_t count = 0;
  std::uint64_t buf = 0;  // user address
  int error = 0;
  Bytes* data = nullptr;
  Bytes* kbuf = nullptr;
};

// errno values (the kernel returns them negated; <cerrno> has the names as macros).
inline constexpr int kEIO = 5;
inline constexpr int kENOMEM = 12;
inline constexpr int kEFAULT = 14;
inline constexpr int kEINVAL = 22;

// include/linux/blkdev.h L185-186; mm/swap.c swap_setup: page_cluster is 4 on
// a machine with 32 MB of memory or more.
inline constexpr std::uint64_t MAX_READAHEAD = 31;
inline constexpr std::uint64_t MIN_READAHEAD = 3;
inline constexpr unsigned page_cluster = 4;

class Kernel : public pagecache::Kernel {
 public:
  explicit Kernel(State& s) : pagecache::Kernel(s) {}

  using read_actor_t = std::uint64_t (Kernel::*)(ReadDescriptor&, Page&, std::uint32_t offset, std::uint64_t size);

  // ---- pagecache::Kernel
  std::int64_t sys_read(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) override;
  std::int64_t sys_write(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) override;
  std::int64_t sys_pread(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos, Bytes& data) override;
  std::int64_t sys_pwrite(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos, Bytes& data) override;
  std::int64_t sys_writev(File& file, const std::vector<IoVec>& iov, Bytes& data) override;
  std::int64_t sys_msync(std::uint64_t start, std::uint64_t len) override;
  std::int64_t sys_fsync(File& file) override;
  std::int64_t sys_lseek(File& file, std::int64_t offset, Whence origin) override;
  std::int64_t sys_close(File& file) override;
  std::int64_t sys_open(File& file, std::uint32_t flags) override;
  std::int64_t sys_ftruncate(File& file, std::uint64_t length) override;
  Page* filemap_nopage(Pte& area, std::uint64_t address, bool no_share) override;
  void end_buffer_io_async(BufferHead& bh, bool uptodate) override;
  int writepage(Page& page) override;
  int try_to_free_buffers(Page& page, int wait) override;
  int epilogue_read(Bytes& out) override;
  void epilogue_sync() override;
  void epilogue_evict() override;

  // ---- fs/read_write.c
  virtual std::int64_t do_readv_writev_write(File& file, const std::vector<IoVec>& iov, Bytes& data);
  // llseek (L50): f_op->llseek (ext2_file_lseek) or default_llseek (ramfs)
  virtual std::int64_t llseek(File& file, std::int64_t offset, Whence origin);
  virtual std::int64_t default_llseek(File& file, std::int64_t offset, Whence origin);

  // ---- fs/ext2/file.c
  virtual std::int64_t ext2_file_lseek(File& file, std::int64_t offset, Whence origin);

  // ---- fs/open.c (open.cpp)
  virtual int filp_close(File& file);
  virtual void dentry_open(File& file, std::uint32_t flags);

  // ---- mm/filemap.c
  virtual void lock_page(Page& page);
  virtual void wait_on_page(Page& page);
  virtual Page* __find_get_page(std::uint32_t index);
  virtual Page* __find_lock_page(std::uint32_t index);
  virtual bool add_to_page_cache_unique(Page& page, std::uint32_t index);
  virtual int page_cache_read(std::uint32_t index);
  virtual int read_cluster_nonblocking(std::uint32_t index, std::uint64_t filesize);
  virtual void generic_file_readahead(bool reada_ok, File& filp, Page& page);
  virtual void do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor);
  virtual std::uint64_t file_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size);
  virtual std::uint64_t kernel_read_actor(ReadDescriptor& desc, Page& page, std::uint32_t offset, std::uint64_t size);
  virtual std::int64_t generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                         Bytes& data);
  virtual Page* __grab_cache_page(std::uint32_t index, Page*& cached_page);
  virtual std::int64_t generic_file_write(File& file, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                          Bytes& data);
  virtual void filemap_fdatasync();
  // Returns the write error it reports: 0 in 2.4, where it is void.
  virtual int filemap_fdatawait();
  virtual int filemap_sync(Pte& pte);
  virtual int msync_interval(const std::vector<Pte*>& vma);
  // What sys_msync returns for a range with unmapped parts: -EFAULT from
  // 2.4.0 to 2.4.18 (mm/filemap.c sys_msync: "just ignore them, but return
  // -EFAULT at the end"); -ENOMEM from 2.4.19 on (linux-2.6.24 overrides it).
  virtual std::int64_t msync_unmapped_error() const { return -kEFAULT; }
  virtual void invalidate_inode_pages();

  // ---- fs/buffer.c (get_block is always ext2_get_block: ext2 is the only
  // buffer-head filesystem of the model)
  virtual void create_empty_buffers(Page& page);
  virtual void lock_buffer(BufferHead& bh);
  virtual void wait_on_buffer(BufferHead& bh);
  virtual int __block_prepare_write(Page& page, unsigned from, unsigned to);
  virtual int block_prepare_write(Page& page, unsigned from, unsigned to);
  virtual int __block_commit_write(Page& page, unsigned from, unsigned to);
  virtual int generic_commit_write(Page& page, unsigned from, unsigned to);
  virtual int block_read_full_page(Page& page);
  virtual int __block_write_full_page(Page& page);
  virtual int block_write_full_page(Page& page);
  virtual int fsync_inode_buffers();
  virtual int osync_inode_buffers();

  // ---- ftruncate (truncate.cpp): fs/open.c, fs/attr.c, mm/memory.c,
  // mm/filemap.c, fs/buffer.c, fs/ext2/inode.c
  virtual int do_truncate(std::uint64_t length);
  virtual int notify_change(std::uint64_t length);
  virtual void inode_setattr(std::uint64_t length);
  virtual void vmtruncate(std::uint64_t offset);
  virtual void vmtruncate_list(std::uint64_t pgoff);
  virtual void truncate();  // inode->i_op->truncate
  virtual void truncate_inode_pages(std::uint64_t lstart);
  virtual bool truncate_list_pages(std::uint64_t start, unsigned& partial);
  virtual void truncate_partial_page(Page& page, unsigned partial);
  virtual void truncate_complete_page(Page& page);
  virtual int block_flushpage(Page& page, unsigned offset);
  virtual void ext2_truncate();
  virtual int block_truncate_page(std::uint64_t from);

  // ---- fs/ext2/inode.c, fs/ext2/fsync.c
  virtual int ext2_get_block(std::uint64_t iblock, BufferHead& bh, bool create);
  virtual int ext2_readpage(Page& page);
  virtual int ext2_writepage(Page& page);
  virtual int ext2_prepare_write(Page& page, unsigned from, unsigned to);
  virtual int ext2_sync_file();

  // ---- fs/ramfs/inode.c
  virtual int ramfs_readpage(Page& page);
  virtual int ramfs_writepage(Page& page);
  virtual int ramfs_prepare_write(Page& page, unsigned from, unsigned to);
  virtual int ramfs_commit_write(Page& page, unsigned from, unsigned to);
  virtual int ramfs_sync_file();

  // ---- the file's operation tables: mapping->a_ops->..., file->f_op->fsync
  // (ext2_aops / ramfs_aops; ext2_file_operations / ramfs_file_operations)
  virtual int readpage(Page& page);
  virtual int prepare_write(Page& page, unsigned from, unsigned to);
  virtual int commit_write(Page& page, unsigned from, unsigned to);
  virtual int f_op_fsync();

 protected:
  sim::Execution& ex() { return s_.ex; }
  bool ext2() const { return s_.cfg.filesystem == pagecache::Filesystem::ext2; }
  // A page only this thread knows (page_cache_free of a spare page): no step.
  void page_cache_free(Page& page);
  // inode->i_size where a write with O_APPEND starts (generic_file_write's
  // `if (file->f_flags & O_APPEND) pos = inode->i_size;`, 2.6's
  // generic_write_checks, today's generic_write_checks_count): a step that
  // reads i_size, labelled `label`. `reported`: the bytes the call has
  // reported written so far (its `data`; a 2.4 writev's earlier iovecs).
  std::uint64_t i_size_for_append(const char* label, const Bytes& reported);
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::linux_2_4_0
