// linux-6-ext4's paths with XFS's inode lock and XFS's buffered write path
// (torvalds/linux fs/xfs/xfs_file.c, fs/iomap/buffered-io.c):
// xfs_file_buffered_read takes XFS_IOLOCK_SHARED, the inode's i_rwsem for
// reading, around the whole buffered read; xfs_file_buffered_write takes
// XFS_IOLOCK_EXCL, i_rwsem for writing, around the whole write, zeroes from
// the old EOF to a write that starts past it (xfs_file_write_checks ->
// xfs_file_write_zero_eof -> iomap_zero_range), and copies with
// iomap_write_iter, which faults the source in before it takes a folio and
// moves i_size only by the bytes it wrote. The folio-level rules of
// iomap_write_begin/iomap_write_end are the ones the model's data paths run
// (README.md).
#pragma once

#include <memory>
#include <vector>

#include "models/linux-6-ext4/kernel.hpp"

namespace models::linux_6_xfs {

using linux_2_6_24::IovIter;
using pagecache::Bytes;
using pagecache::File;
using pagecache::IoVec;
using pagecache::Page;
using pagecache::State;

class Kernel : public linux_6_ext4::Kernel {
 public:
  using linux_6_ext4::Kernel::Kernel;

  // ---- fs/xfs/xfs_file.c xfs_file_buffered_read
  std::int64_t generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                 Bytes& data) override;
  // ---- fs/xfs/xfs_file.c xfs_file_buffered_write
  std::int64_t generic_file_aio_write(File& file, const std::vector<IoVec>& iov, std::uint64_t& ppos,
                                      Bytes& data) override;
  virtual int xfs_file_write_checks(const File& file, std::uint64_t& pos);
  virtual int xfs_file_write_zero_eof(std::uint64_t pos);

  // ---- fs/iomap/buffered-io.c
  virtual std::int64_t iomap_write_iter(IovIter& i, std::uint64_t pos, Bytes& data);
  virtual bool iomap_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page);
  virtual int iomap_zero_range(std::uint64_t pos, std::uint64_t len);

  // ---- ftruncate (truncate.cpp): fs/xfs/xfs_iops.c
  int notify_change(std::uint64_t length) override;
  virtual int xfs_setattr_size(std::uint64_t newsize);

 protected:
  // fs/xfs/xfs_file.c xfs_file_buffered_write: xfs_ilock(XFS_IOLOCK_EXCL)
  void write_lock() override;
  void write_unlock() override;
};

std::unique_ptr<pagecache::Kernel> make_kernel(State& s);

}  // namespace models::linux_6_xfs
