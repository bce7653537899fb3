// struct inode (include/linux/fs.h) of the one file the scenario is about, and
// struct file, one per modelled thread (each opened the file itself, so each
// has its own f_pos and read-ahead state).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "models/pagecache/page.hpp"
#include "sim/audit.hpp"
#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace models::pagecache {

struct Inode {
  Inode(sim::Execution& ex, std::uint64_t size, std::uint32_t file_blocks);

  sim::Semaphore i_sem;          // inode->i_sem (a mutex: count 1)
  // inode->i_rwsem of today's kernels (i_sem became i_mutex in 2.6.16 and the
  // rw_semaphore i_rwsem in 4.7): made only by the variants that take it
  // (Kernel constructors, before the execution runs), so that the others
  // keep their objects.
  std::unique_ptr<sim::RwSemaphore> i_rwsem;
  sim::ObjectId size_obj;        // inode.i_size
  sim::Audited<std::uint64_t> i_size;  // owned by size_obj
  // ext2: the inode's block map. File block n, once allocated, is disk block n
  // (ext2_get_block of the model); allocation sets BH_New on the buffer.
  sim::ObjectId blockmap_obj;    // ext2.i_block
  std::vector<bool> allocated;
  // inode->i_dirty_buffers (buffer_insert_inode_queue / remove_inode_queue,
  // under lru_list_lock): what fsync_inode_buffers writes.
  sim::ObjectId dirty_buffers_obj;
  std::deque<BufferHead*> i_dirty_buffers;
};

// struct file: f_flags (O_APPEND: the thread's open_flags), f_pos and the
// read-ahead context of mm/filemap.c (f_raend, f_ramax, f_ralen, f_rawin;
// all zero at open), and f_wb_err, the errseq_t sample of the mapping's
// writeback error taken at open (errseq_sample: 0 for the descriptions
// opened before the threads run; a thread's "open" operation samples it
// again, Kernel::sys_open). Each is private to its thread: no step names it.
struct File {
  std::uint32_t f_flags = 0;
  std::uint64_t f_pos = 0;
  std::uint64_t f_raend = 0, f_ramax = 0, f_ralen = 0, f_rawin = 0;
  bool f_reada = false;
  std::uint32_t f_wb_err = 0;
};

}  // namespace models::pagecache
