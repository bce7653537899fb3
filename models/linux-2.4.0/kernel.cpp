// The operation tables of the two filesystems (ext2_aops and
// ext2_file_operations, fs/ext2/inode.c L669 and fs/ext2/file.c L100;
// ramfs_aops and ramfs_file_operations, fs/ramfs/inode.c L277-289), the
// end-of-run epilogue, and the factory of the linux-2.4.0 variant.
#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_4_0 {

using pagecache::R;
using pagecache::step;

int Kernel::readpage(Page& page) { return ext2() ? ext2_readpage(page) : ramfs_readpage(page); }

int Kernel::writepage(Page& page) { return ext2() ? ext2_writepage(page) : ramfs_writepage(page); }

int Kernel::prepare_write(Page& page, unsigned from, unsigned to) {
  return ext2() ? ext2_prepare_write(page, from, to) : ramfs_prepare_write(page, from, to);
}

int Kernel::commit_write(Page& page, unsigned from, unsigned to) {
  return ext2() ? generic_commit_write(page, from, to) : ramfs_commit_write(page, from, to);
}

int Kernel::f_op_fsync() { return ext2() ? ext2_sync_file() : ramfs_sync_file(); }

// The whole file, [0, i_size), through do_generic_file_read, with a struct
// file of its own; returns the error it stopped with.
int Kernel::epilogue_read(Bytes& out) {
  out.clear();
  File file;
  std::uint64_t pos = 0;
  ReadDescriptor desc;
  desc.count = s_.inode.i_size;
  desc.kbuf = &out;
  if (desc.count) do_generic_file_read(file, pos, desc, &Kernel::kernel_read_actor);
  return desc.error;
}

// sys_fsync's path: filemap_fdatasync, f_op->fsync, filemap_fdatawait under i_sem.
void Kernel::epilogue_sync() {
  File file;
  sys_fsync(file);
}

// As page_launder frees the buffers of a clean page (TryLockPage,
// try_to_free_buffers, UnlockPage), for every page; then
// invalidate_inode_pages drops every clean, unlocked, unused page.
void Kernel::epilogue_evict() {
  for (std::uint32_t i = 0; i < s_.geo.pages; ++i) {
    step(ex(), "epilogue: find page", {R(s_.mapping.obj)});
    Page* page = s_.mapping.__find_page_nolock(i);
    if (!page || !page->has_buffers || page->dirty) continue;
    if (TryLockPage(*page)) continue;
    try_to_free_buffers(*page, 0);
    UnlockPage(*page);
  }
  invalidate_inode_pages();
}

std::unique_ptr<pagecache::Kernel> make_kernel(State& s) { return std::make_unique<Kernel>(s); }

}  // namespace models::linux_2_4_0
