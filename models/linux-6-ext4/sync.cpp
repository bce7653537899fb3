// Today's writeback error reporting (Jeff Layton's errseq_t, 4.13, and
// 4.16's rule for an error nobody has seen): a failed block write records
// the error in mapping->wb_err (mapping_set_error, which also sets AS_EIO for
// the callers that still test it), and each struct file's fsync reports it
// once, to every description that sampled wb_err before it
// (file_check_and_advance_wb_err). gregkh/linux @ 1c6d58b8: fs/buffer.c
// end_buffer_async_write, end_buffer_write_sync, mark_buffer_write_io_error;
// include/linux/pagemap.h mapping_set_error; mm/filemap.c
// file_check_and_advance_wb_err, file_write_and_wait_range; fs/ext4/fsync.c
// ext4_sync_file (no journal: generic_buffers_fsync_noflush); mm/msync.c
// (vfs_fsync_range of vma->vm_file, inherited from linux-2.6.24's
// msync_interval).
#include "models/linux-6-ext4/kernel.hpp"
#include "models/pagecache/errseq.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_ext4 {

using linux_2_4_0::kEIO;
using pagecache::BufferHead;
using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// fs/buffer.c mark_buffer_write_io_error -> mapping_set_error(mapping, -EIO):
// __filemap_set_wb_err (errseq_set) and set_bit(AS_EIO). (It also sets the
// superblock's s_wb_err, which only syncfs reads.)
void Kernel::mark_buffer_write_io_error(BufferHead& bh) {
  (void)bh;  // set_buffer_write_io_error: read by nothing in the model
  step(ex(), "mark_buffer_write_io_error: mapping_set_error", {W(s_.mapping.wb_err_obj)});
  s_.mapping.wb_err = pagecache::errseq::errseq_set(s_.mapping.wb_err, -kEIO);
  s_.mapping.as_eio = true;
}

// fs/buffer.c end_buffer_async_write: on error mark_buffer_write_io_error,
// clear_buffer_uptodate, then the completion of the page (2.4.0's, which
// the model keeps: linux-2.6.24's AS_EIO step is replaced by the one above).
void Kernel::end_buffer_async_write(BufferHead& bh, bool uptodate) {
  if (!uptodate) mark_buffer_write_io_error(bh);
  linux_2_4_0::Kernel::end_buffer_async_write(bh, uptodate);
}

// fs/buffer.c end_buffer_write_sync: on error mark_buffer_write_io_error,
// clear_buffer_uptodate; unlock_buffer.
void Kernel::end_buffer_write_sync(BufferHead& bh, bool uptodate) {
  if (!uptodate) mark_buffer_write_io_error(bh);
  pagecache::Kernel::end_buffer_write_sync(bh, uptodate);
}

// mm/filemap.c __filemap_fdatawait_range: waits for the pages under
// writeback (linux-2.6.24's wait) and reports nothing (the error is in wb_err).
int Kernel::filemap_fdatawait() {
  wait_on_page_writeback_range();
  return 0;
}

// mm/filemap.c file_check_and_advance_wb_err: the error recorded in
// mapping->wb_err since this file last looked (errseq_check, then under
// f_lock errseq_check_and_advance), and clear_bit(AS_EIO) "to emulate the
// effect that the legacy code would have had on these flags". One step on
// the mapping; a step that found nothing new and no AS_EIO only read it.
int Kernel::file_check_and_advance_wb_err(File& file) {
  step(ex(), "file_check_and_advance_wb_err", {W(s_.mapping.wb_err_obj)});
  if (!pagecache::errseq::errseq_check(s_.mapping.wb_err, file.f_wb_err) && !s_.mapping.as_eio) {
    narrow(ex(), {R(s_.mapping.wb_err_obj)});
    return 0;
  }
  std::uint32_t cur = s_.mapping.wb_err;
  const int err = pagecache::errseq::errseq_check_and_advance(cur, file.f_wb_err);
  s_.mapping.wb_err = cur;
  s_.mapping.as_eio = false;
  return err;
}

// fs/ext4/fsync.c ext4_sync_file, no journal: generic_buffers_fsync_noflush
// takes no inode lock; file_write_and_wait_range writes the dirty data and
// waits for it (the model's data lives in buffers: filemap_fdatasync, the
// buffers' writeback fsync_inode_buffers, filemap_fdatawait), then
// file_check_and_advance_wb_err; its error is returned first.
int Kernel::do_fsync(File& file) {
  filemap_fdatasync();
  const int ret = f_op_fsync();
  filemap_fdatawait();
  const int err = file_check_and_advance_wb_err(file);
  return err ? err : ret;
}

}  // namespace models::linux_6_ext4
