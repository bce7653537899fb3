// fs/open.c of Linux 2.4.0 (file15): a thread's close and its open again.
// The fd table is the thread's one fd (models/pagecache/program.cpp empties
// and fills it: fget of an empty fd gives -EBADF before any kernel function
// runs); here is what happens to the struct file. Neither touches an object
// another thread reads, so neither takes a step.
#include "models/linux-2.4.0/kernel.hpp"

namespace models::linux_2_4_0 {

// fs/open.c L815 sys_close: the fd is released under files->file_lock,
// then filp_close.
std::int64_t Kernel::sys_close(File& file) { return filp_close(file); }

// fs/open.c L790 filp_close: retval is what f_op->flush returns, and
// ext2_file_operations (fs/ext2/file.c L100) and ramfs_file_operations
// (fs/ramfs/inode.c L284) have no flush, so 0. fcntl_dirnotify,
// locks_remove_posix: no locks in the model; fput's release
// (ext2_release_file: ext2_discard_prealloc; its return is ignored): no
// preallocation in the model.
int Kernel::filp_close(File& file) {
  (void)file;
  return 0;
}

// fs/open.c L743 sys_open -> filp_open -> dentry_open; ext2_open_file's
// O_LARGEFILE check (i_size > 0x7FFFFFFF) never fires on the model's files.
std::int64_t Kernel::sys_open(File& file, std::uint32_t flags) {
  dentry_open(file, flags);
  return 0;
}

// fs/open.c L632 dentry_open: a struct file from get_empty_filp (zeroed: the
// read-ahead context), f_flags = flags, f_pos = 0, f_reada = 0.
void Kernel::dentry_open(File& file, std::uint32_t flags) {
  file = File{};
  file.f_flags = flags;
}

}  // namespace models::linux_2_4_0
