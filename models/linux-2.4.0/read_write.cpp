// fs/read_write.c of Linux 2.4.0: the read/write system calls, which call
// the file's f_op->read / f_op->write (generic_file_read and
// generic_file_write for both ext2 and ramfs). locks_verify_area (mandatory
// locks) and inode_dir_notify do nothing in the model.
#include "models/linux-2.4.0/kernel.hpp"

namespace models::linux_2_4_0 {

// fs/read_write.c L118 sys_read: read(file, buf, count, &file->f_pos).
std::int64_t Kernel::sys_read(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) {
  return generic_file_read(file, buf, count, file.f_pos, data);
}

// fs/read_write.c L144 sys_write: write(file, buf, count, &file->f_pos).
std::int64_t Kernel::sys_write(File& file, std::uint64_t buf, std::uint32_t count, Bytes& data) {
  return generic_file_write(file, buf, count, file.f_pos, data);
}

// fs/read_write.c L318 sys_pread.
std::int64_t Kernel::sys_pread(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos, Bytes& data) {
  return generic_file_read(file, buf, count, pos, data);
}

// fs/read_write.c L349 sys_pwrite.
std::int64_t Kernel::sys_pwrite(File& file, std::uint64_t buf, std::uint32_t count, std::uint64_t pos,
                                Bytes& data) {
  return generic_file_write(file, buf, count, pos, data);
}

// fs/read_write.c L294 sys_writev -> do_readv_writev(VERIFY_READ, ...).
std::int64_t Kernel::sys_writev(File& file, const std::vector<IoVec>& iov, Bytes& data) {
  return do_readv_writev_write(file, iov, data);
}

// fs/read_write.c L172 do_readv_writev, the write direction. The iovec array
// itself is not in modelled user memory (its copy_from_user is left out).
// "verify all the pointers" checks only the lengths: no access_ok of the
// iovecs' buffers, so one at a kernel address fails in its own write's
// copy_from_user, after the iovecs before it were written.
// Neither ext2 nor ramfs has f_op->writev, so each iovec is one
// f_op->write: one generic_file_write, which takes and drops i_sem.
std::int64_t Kernel::do_readv_writev_write(File& file, const std::vector<IoVec>& iov, Bytes& data) {
  if (iov.empty()) return 0;
  std::uint64_t tot_len = 0;
  for (const IoVec& v : iov) tot_len += v.length;  // BSD readv/writev EINVAL checks: lengths are small
  (void)tot_len;
  std::int64_t ret = 0;
  for (const IoVec& v : iov) {
    const std::int64_t nr = generic_file_write(file, v.address, v.length, file.f_pos, data);
    if (nr < 0) {
      if (!ret) ret = nr;
      break;
    }
    ret += nr;
    if (nr != static_cast<std::int64_t>(v.length)) break;
  }
  return ret;
}

}  // namespace models::linux_2_4_0
