// A page-cache scenario as plain data: what the checker's scenario loader
// fills from a JSON file and what every model variant is built from. Nothing
// here knows JSON; the loader (checker/scenario) validates before it fills.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace models::pagecache {

using Bytes = std::vector<std::uint8_t>;

enum class Filesystem { ext2, ramfs };

struct Geometry {
  std::uint32_t page_size = 4;   // bytes per page (PAGE_CACHE_SIZE)
  std::uint32_t block_size = 2;  // bytes per block; divides page_size
  std::uint32_t pages = 2;       // pages the file may span
  std::uint32_t copy_chunk = 2;  // bytes copied per visible step by copy_{from,to}_user
};

// The file at the start: its content on disk (i_size = content.size()), and
// which pages start in the page cache, uptodate.
struct FileInit {
  Bytes content;
  std::vector<std::uint32_t> cached_pages;
};

// A region of the process's user memory. Addresses are user virtual
// addresses; a user page is page_size bytes, like a file page.
struct Region {
  enum class Kind { anonymous, shared_file, invalid };
  std::string name;
  Kind kind = Kind::anonymous;
  std::uint64_t start = 0;     // user address, a multiple of page_size
  std::uint32_t length = 0;    // bytes, a multiple of page_size
  Bytes content;               // anonymous: initial bytes (zero-padded to length)
  std::uint64_t file_offset = 0;  // shared_file: offset in the file, a multiple of page_size
  bool present = true;         // are the user pages mapped (pte present) at the start
};

struct IoVec {
  std::uint64_t address = 0;  // user address
  std::uint32_t length = 0;
};

struct Operation {
  enum class Kind {
    write,    // write(fd, iov[0]) at the file position (pos starts at 0 per thread)
    read,     // read(fd, iov[0]) at the file position
    pwrite,   // pwrite(fd, iov[0], offset)
    pread,    // pread(fd, iov[0], offset)
    writev,   // writev(fd, iov) at the file position
    touch,    // load (or store, when `store`) one byte at iov[0].address from user space
    munmap,   // munmap(iov[0].address, iov[0].length)
    msync,    // msync(iov[0].address, iov[0].length, MS_SYNC)
    fsync,    // fsync(fd)
    // file15 (issue 15's O_APPEND/lseek, issue 17's close): the thread's open file
    lseek,    // lseek(fd, seek_offset, whence)
    close,    // close(fd): later calls on the fd return -EBADF until an open
    open,     // open(path, the thread's open_flags): a new struct file, f_pos 0
    ftruncate,  // ftruncate(fd, length): shrink or grow the file to `length` bytes
  };
  Kind kind = Kind::read;
  std::uint64_t offset = 0;   // pwrite/pread
  std::vector<IoVec> iov;     // one for read/write/pread/pwrite/touch/munmap/msync; several for writev
  bool store = false;         // touch: a store instead of a load
  std::uint8_t value = 0;     // touch with store: the byte stored
  // lseek (file15)
  enum class Whence { set, cur, end };  // SEEK_SET, SEEK_CUR, SEEK_END
  std::int64_t seek_offset = 0;
  Whence whence = Whence::set;
  std::uint64_t length = 0;   // ftruncate: the new size
};

// The open(2) flags a thread's struct file has (f_flags; file15), beside the
// access mode every thread has (O_RDWR). The value is Linux's (x86).
inline constexpr std::uint32_t kOpenAppend = 02000;  // O_APPEND

struct ThreadSpec {
  std::string name;
  std::vector<Operation> ops;
  std::uint32_t open_flags = 0;  // f_flags of each struct file it opens: 0 or kOpenAppend (file15)
};

// Background agents act at most `budget` times per execution, so that every
// search ends (DESIGN.md section 3).
struct AgentSpec {
  enum class Kind { reclaim, writeback };
  Kind kind = Kind::reclaim;
  std::uint32_t budget = 1;
  // Tests only (no scenario key): reclaim's wake-up as a step of its own,
  // before its action's first step, as the model had it before they were
  // folded into one (models/pagecache/agents.cpp says why that loses
  // nothing; tests/checker/strategies/test_dpor.cpp checks it).
  bool wake_apart = false;
};

// Which faults the explorer may inject.
struct Faults {
  bool copy_from_user = false;  // a copy_from_user may fail after any number of bytes
  bool read_io_error = false;   // a block read may complete with an I/O error
  bool write_io_error = false;  // a block write may fail
};

struct Config {
  std::string variant = "linux-2.4.0";
  Filesystem filesystem = Filesystem::ext2;
  Geometry geometry;
  FileInit file;
  std::vector<Region> regions;
  std::vector<ThreadSpec> threads;
  std::vector<AgentSpec> agents;
  Faults faults;
};

}  // namespace models::pagecache
