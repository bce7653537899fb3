// fs/read_write.c of Linux 2.6.24 (fulei0920/linux-2.6.24 @ d18aa49): the
// read and write system calls go through vfs_read / vfs_write, which check
// access_ok before anything else (L265, L323), then f_op->read / ->write
// (do_sync_read / do_sync_write -> generic_file_aio_read / _write, whose
// generic_segment_checks, mm/filemap.c L1122, checks it again). Linux 6 keeps
// both: vfs_read / vfs_write, then import_ubuf in new_sync_read / _write.
// FMODE_READ/WRITE, rw_verify_area and security_file_permission do nothing in
// the model.
#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/uaccess.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::kEFAULT;

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

}  // namespace models::linux_2_6_24
