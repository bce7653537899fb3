#include "models/pagecache/inode.hpp"

namespace models::pagecache {

Inode::Inode(sim::Execution& ex, std::uint64_t size, std::uint32_t file_blocks)
    : i_sem(ex, "inode.i_sem", 1),
      size_obj(ex.new_object("inode.i_size")),
      i_size(size_obj, size),
      blockmap_obj(ex.new_object("ext2.i_block")),
      allocated(file_blocks, false),
      dirty_buffers_obj(ex.new_object("inode.i_dirty_buffers")) {}

}  // namespace models::pagecache
