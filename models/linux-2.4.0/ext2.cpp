// fs/ext2/inode.c and fs/ext2/fsync.c of Linux 2.4.0: ext2's get_block and
// address_space_operations (ext2_aops, L669), which are the generic buffer
// functions of fs/buffer.c.
#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_4_0 {

using pagecache::R;
using pagecache::W;
using pagecache::step;

// fs/ext2/inode.c L506 ext2_get_block, for the direct blocks of a small file
// (under lock_kernel, no I/O): an allocated block is mapped; a hole stays
// unmapped unless `create`, which allocates it and sets BH_New. The model's
// block allocator gives file block n disk block n.
int Kernel::ext2_get_block(std::uint64_t iblock, BufferHead& bh, bool create) {
  if (create)
    step(ex(), "ext2_get_block", {W(s_.inode.blockmap_obj), W(bh.b_page->buffers_obj())});
  else
    step(ex(), "ext2_get_block", {R(s_.inode.blockmap_obj), W(bh.b_page->buffers_obj())});
  if (iblock >= s_.inode.allocated.size()) return -kEIO;  // depth == 0
  if (!s_.inode.allocated[iblock]) {
    if (!create) return 0;  // a hole: plain lookup
    // ext2_alloc_branch + ext2_splice_branch
    s_.inode.allocated[iblock] = true;
    bh.new_ = true;
  }
  // got_it:
  bh.b_blocknr = iblock;
  bh.mapped = true;
  return 0;
}

// fs/ext2/inode.c L657 ext2_readpage.
int Kernel::ext2_readpage(Page& page) { return block_read_full_page(page); }

// fs/ext2/inode.c L653 ext2_writepage.
int Kernel::ext2_writepage(Page& page) { return block_write_full_page(page); }

// fs/ext2/inode.c L661 ext2_prepare_write (commit_write is generic_commit_write).
int Kernel::ext2_prepare_write(Page& page, unsigned from, unsigned to) { return block_prepare_write(page, from, to); }

// fs/ext2/fsync.c ext2_sync_file -> ext2_fsync_inode(inode, 0):
// fsync_inode_buffers; writing the inode itself (ext2_sync_inode) is metadata
// the model does not keep on disk.
int Kernel::ext2_sync_file() {
  const int err = fsync_inode_buffers();
  return err ? -kEIO : 0;
}

}  // namespace models::linux_2_4_0
