// Today's open and lseek of the thread's struct file (file15; gregkh/linux
// @ 1c6d58b8, and fs/ext4/file.c @ 26b1bfbd as in kernel.hpp; linux-6-xfs
// runs the same: xfs_file_llseek reaches generic_file_llseek for SEEK_SET,
// SEEK_CUR and SEEK_END, and xfs_file_operations has no flush either).
//
// close: fs/open.c filp_close -> filp_flush returns f_op->flush's result,
// and ext4_file_operations, xfs_file_operations and ramfs_file_operations
// have none, so 0 (linux-2.4.0's filp_close). The release that fput runs
// later (ext4_release_file, xfs_file_release) has its result ignored.
#include "models/linux-6-ext4/kernel.hpp"
#include "models/pagecache/errseq.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_ext4 {

using linux_2_4_0::kEINVAL;
using linux_2_4_0::Whence;
using pagecache::R;
using pagecache::step;

// fs/open.c do_dentry_open: f_flags, f_pos 0, and
// f->f_wb_err = filemap_sample_wb_err(f->f_mapping), i.e. errseq_sample
// (lib/errseq.c, 4.16): the current value if its error was seen, else 0, so
// that an error nobody has seen yet is reported to this description's
// first fsync too. One step: it reads mapping->wb_err.
void Kernel::dentry_open(File& file, std::uint32_t flags) {
  linux_2_6_24::Kernel::dentry_open(file, flags);
  step(ex(), "do_dentry_open: filemap_sample_wb_err", {R(s_.mapping.wb_err_obj)});
  file.f_wb_err = pagecache::errseq::errseq_sample(s_.mapping.wb_err);
}

// fs/ext4/file.c ext4_llseek: "if (whence != SEEK_HOLE && whence !=
// SEEK_DATA) return generic_file_llseek_size(file, offset, whence, limit,
// i_size_read(inode));" -- no inode lock (ext4 takes it shared for
// SEEK_HOLE/SEEK_DATA only, which the model has not). i_size_read is
// evaluated for every whence, as an argument: one step reading i_size.
std::int64_t Kernel::llseek(File& file, std::int64_t offset, Whence whence) {
  step(ex(), "ext4_llseek: i_size_read", {R(s_.inode.size_obj)});
  return generic_file_llseek_size(file, offset, whence, s_.inode.i_size);
}

// fs/read_write.c generic_file_llseek_size, with vfs_setpos: SEEK_CUR under
// file->f_lock (the thread's own struct file); the maxsize bound is never
// reached by the model's files.
std::int64_t Kernel::generic_file_llseek_size(File& file, std::int64_t offset, Whence whence, std::uint64_t eof) {
  switch (whence) {
    case Whence::end: offset += static_cast<std::int64_t>(eof); break;
    case Whence::cur:
      // "Here we special-case the lseek(fd, 0, SEEK_CUR) position-querying
      // operation."
      if (offset == 0) return static_cast<std::int64_t>(file.f_pos);
      offset += static_cast<std::int64_t>(file.f_pos);
      break;
    case Whence::set: break;
  }
  // vfs_setpos
  if (offset < 0) return -kEINVAL;
  if (static_cast<std::uint64_t>(offset) != file.f_pos) file.f_pos = static_cast<std::uint64_t>(offset);  // f_version = 0
  return offset;
}

}  // namespace models::linux_6_ext4
