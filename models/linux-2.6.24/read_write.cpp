// fs/read_write.c of Linux 2.6.24 (fulei0920/linux-2.6.24 @ d18aa49): the
// read and write system calls go through vfs_read / vfs_write, which check
// access_ok before anything else (L265, L323), then f_op->read / ->write
// (do_sync_read / do_sync_write -> generic_file_aio_read / _write, whose
// generic_segment_checks, mm/filemap.c L1122, checks it again). Linux 6 keeps
// both: vfs_read / vfs_write, then import_ubuf in new_sync_read / _write.
// FMODE_READ/WRITE, rw_verify_area and security_file_permission do nothing in
// the model.
//
// lseek (file15; generic_file_llseek as in the tree's head, 7e53dade):
// sys_lseek -> vfs_llseek -> f_op->llseek, which is generic_file_llseek for
// ext2 (fs/ext2/file.c ext2_file_operations) and ramfs (fs/ramfs/file-mmu.c
// ramfs_file_operations). Unlike 2.4's llseeks it takes i_mutex, so a
// SEEK_END waits for a write in progress and never sees i_size halfway
// through it. sys_open and sys_close are 2.4.0's (fs/open.c do_sys_open ->
// __dentry_open: f_pos 0; filp_close: ext2 and ramfs have no f_op->flush,
// so 0): 2.6.24 keeps its writeback error in mapping->flags (AS_EIO), not in
// the struct file, so a description opened after a failed write reports it
// if no fsync has cleared it (sync.cpp).
#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::kEFAULT;
using linux_2_4_0::kEINVAL;
using linux_2_4_0::Whence;

// fs/read_write.c L257 vfs_read.
std::int64_t Kernel::sys_read(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) {
  if (!pagecache::access_ok(s_, buf, count)) return -kEFAULT;
  return linux_2_4_17::Kernel::sys_read(file, buf, count, data);
}

// fs/read_write.c L315 vfs_write.
std::int64_t Kernel::sys_write(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) {
  if (!pagecache::access_ok(s_, buf, count)) return -kEFAULT;
  return linux_2_4_17::Kernel::sys_write(file, buf, count, data);
}

// sys_pread64 -> vfs_read.
std::int64_t Kernel::sys_pread(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos, Bytes& data) {
  if (!pagecache::access_ok(s_, buf, count)) return -kEFAULT;
  return linux_2_4_17::Kernel::sys_pread(file, buf, count, pos, data);
}

// sys_pwrite64 -> vfs_write.
std::int64_t Kernel::sys_pwrite(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos,
                                Bytes& data) {
  if (!pagecache::access_ok(s_, buf, count)) return -kEFAULT;
  return linux_2_4_17::Kernel::sys_pwrite(file, buf, count, pos, data);
}


std::int64_t Kernel::llseek(File& file, std::int64_t offset, Whence origin) {
  return generic_file_llseek(file, offset, origin);
}

// fs/read_write.c generic_file_llseek (2.6.24). The s_maxbytes bound is
// never reached by the model's files.
std::int64_t Kernel::generic_file_llseek(File& file, std::int64_t offset, Whence origin) {
  s_.inode.i_sem.down("generic_file_llseek: mutex_lock(i_mutex)");
  switch (origin) {
    case Whence::end:
      pagecache::step(ex(), "generic_file_llseek: i_size", {pagecache::R(s_.inode.size_obj)});
      offset += static_cast<std::int64_t>(s_.inode.i_size);
      break;
    case Whence::cur: offset += static_cast<std::int64_t>(file.f_pos); break;
    case Whence::set: break;
  }
  std::int64_t retval = -kEINVAL;
  if (offset >= 0) {
    if (static_cast<std::uint64_t>(offset) != file.f_pos) file.f_pos = static_cast<std::uint64_t>(offset);  // f_version = 0
    retval = offset;
  }
  s_.inode.i_sem.up("generic_file_llseek: mutex_unlock(i_mutex)");
  return retval;
}

}  // namespace models::linux_2_6_24
