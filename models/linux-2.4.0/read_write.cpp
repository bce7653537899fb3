// fs/read_write.c of Linux 2.4.0: the read/write system calls and lseek, which call
// the file's f_op->read / f_op->write (generic_file_read and
// generic_file_write for both ext2 and ramfs). locks_verify_area (mandatory
// locks) and inode_dir_notify do nothing in the model.
#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/step.hpp"

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


// ---- lseek (file15). The BKL that llseek takes (lock_kernel) is left out:
// no other modelled path takes it, and the struct file is the thread's own,
// so the only shared object an lseek touches is i_size, which it reads
// with no lock that a writer holds (a write changes i_size under i_sem).

// fs/read_write.c L64 sys_lseek: origin <= 2 (the model's three), llseek.
std::int64_t Kernel::sys_lseek(File& file, std::int64_t offset, Whence origin) {
  return llseek(file, offset, origin);
}

// fs/read_write.c L50 llseek: fn = file->f_op->llseek, else default_llseek;
// lock_kernel(); fn(file, offset, origin); unlock_kernel(). ext2_file_operations
// has llseek: ext2_file_lseek (fs/ext2/file.c L101); ramfs_file_operations
// has none (fs/ramfs/inode.c L284).
std::int64_t Kernel::llseek(File& file, std::int64_t offset, Whence origin) {
  return ext2() ? ext2_file_lseek(file, offset, origin) : default_llseek(file, offset, origin);
}

namespace {

// The `switch (origin)` that both 2.4.0 llseeks open with: case 2 adds
// inode->i_size (read with no lock: a step of its own), case 1 f_pos.
std::int64_t llseek_target(State& s, const File& file, std::int64_t offset, Whence origin, const char* label) {
  if (origin == Whence::end) {
    pagecache::step(s.ex, label, {pagecache::R(s.inode.size_obj)});
    return offset + static_cast<std::int64_t>(s.inode.i_size);
  }
  if (origin == Whence::cur) return offset + static_cast<std::int64_t>(file.f_pos);
  return offset;
}

}  // namespace

// fs/read_write.c L27 default_llseek (2.4.0).
std::int64_t Kernel::default_llseek(File& file, std::int64_t offset, Whence origin) {
  offset = llseek_target(s_, file, offset, origin, "default_llseek: i_size");
  std::int64_t retval = -kEINVAL;
  if (offset >= 0) {
    if (static_cast<std::uint64_t>(offset) != file.f_pos) {
      file.f_pos = static_cast<std::uint64_t>(offset);
      file.f_reada = false;  // file->f_version = ++event: not in the model
    }
    retval = offset;
  }
  return retval;
}

// fs/ext2/file.c L42 ext2_file_lseek: default_llseek's steps, and an offset
// past 32 bits is checked against ext2_max_sizes (never reached: the
// model's files are a few bytes).
std::int64_t Kernel::ext2_file_lseek(File& file, std::int64_t offset, Whence origin) {
  offset = llseek_target(s_, file, offset, origin, "ext2_file_lseek: i_size");
  if (offset < 0) return -kEINVAL;
  if (static_cast<std::uint64_t>(offset) != file.f_pos) {
    file.f_pos = static_cast<std::uint64_t>(offset);
    file.f_reada = false;
  }
  return offset;
}

}  // namespace models::linux_2_4_0
