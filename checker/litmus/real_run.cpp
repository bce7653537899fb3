#include "checker/litmus/real_run.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sched.h>
#include <stdexcept>
#include <system_error>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "checker/io/json_read.hpp"
#include "checker/litmus/abstraction.hpp"
#include "checker/litmus/real_memory.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/uaccess.hpp"

namespace checker::litmus {

namespace {

using models::pagecache::AgentSpec;
using models::pagecache::Config;
using models::pagecache::Operation;
using models::pagecache::Region;


// All participants released together: the last to arrive bumps the
// generation, the others spin on it (then yield, so that on a machine with
// fewer cores than threads the one that must run can). Spinning rather than
// sleeping on a futex is the point: threads that spin leave the barrier
// within nanoseconds of each other, which is what makes their calls race.
class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned n) : n_(n) {}
  // Fewer parties (before anyone arrives): for a runner whose threads could
  // not all be started.
  void set_parties(unsigned n) { n_ = n; }
  void arrive_and_wait() {
    const unsigned gen = gen_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) + 1 == n_) {
      count_.store(0, std::memory_order_relaxed);
      gen_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (unsigned spins = 0; gen_.load(std::memory_order_acquire) == gen; ++spins)
      if (spins > 4000) sched_yield();
  }

 private:
  unsigned n_;
  std::atomic<unsigned> count_{0};
  std::atomic<unsigned> gen_{0};
};

// What one call returned: its result in real bytes (or -errno), and the
// bytes the model would record for it, as model bytes.
struct CallRecord {
  long long result = 0;
  std::vector<AbstractByte> data;
};

bool overlaps(std::uint64_t a, std::uint64_t alen, std::uint64_t b, std::uint64_t blen) {
  return a < b + blen && b < a + alen;
}

// Whether the source of thread t's operation i may change while it runs:
// it lies in a MAP_SHARED mapping of the file (which every write changes),
// or another thread reads into it or stores to it. Only then is the source
// read before the call too (see written_bytes): that read is a system call
// of its own, which would widen the race windows of every other write.
bool source_may_change(const Config& c, std::size_t t, std::size_t i) {
  for (const models::pagecache::IoVec& v : c.threads[t].ops[i].iov) {
    for (const Region& r : c.regions)
      if (r.kind == Region::Kind::shared_file && overlaps(v.address, v.length, r.start, r.length)) return true;
    for (std::size_t u = 0; u < c.threads.size(); ++u)
      for (const Operation& op : c.threads[u].ops) {
        const bool stores = op.kind == Operation::Kind::read || op.kind == Operation::Kind::pread ||
                            (op.kind == Operation::Kind::touch && op.store);
        if (u != t && stores && overlaps(v.address, v.length, op.iov[0].address, op.iov[0].length)) return true;
      }
  }
  return false;
}

// What a write wrote, as model bytes: the first `n` real bytes of its
// source `after` it returned, each slice kept only when it is the same as
// `before` the call (when that was taken). A slice that changed while the
// write ran from one whole model byte to another is torn between the two
// (the kernel copied the old bytes, the new or a mix); one that changed in
// any other way, or could not be read, is not known (kTornSlice), and
// matches no model outcome.
std::vector<AbstractByte> written_bytes(const std::vector<std::uint8_t>* before, const std::vector<std::uint8_t>& after,
                                        std::size_t n, const Abstraction& abs) {
  const std::size_t S = abs.slice();
  std::vector<AbstractByte> out = abs.collapse(after.data(), std::min(after.size(), n));
  if (before)
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (before->size() < (i + 1) * S) {
        out[i] = kTornSlice;
        continue;
      }
      if (std::memcmp(before->data() + i * S, after.data() + i * S, S) == 0) continue;
      const AbstractByte old_byte = abs.collapse(before->data() + i * S, S).front();
      out[i] = is_torn(old_byte) || is_torn(out[i]) ? kTornSlice
                                                     : torn_between(static_cast<std::uint8_t>(old_byte),
                                                                    static_cast<std::uint8_t>(out[i]));
    }
  out.resize((n + S - 1) / S, kTornSlice);
  return out;
}

// A read's bytes, as model bytes: the first `n` real bytes of its buffer,
// which the kernel has just filled (so they are mapped).
std::vector<AbstractByte> read_bytes(const struct iovec& buf, std::size_t n, const Abstraction& abs) {
  std::vector<AbstractByte> out = abs.collapse(static_cast<const std::uint8_t*>(buf.iov_base), n);
  if (n % abs.slice() != 0) out.push_back(kTornSlice);
  return out;
}

// The file, the memory and the threads of one litmus run. Members are
// destroyed in reverse order: the threads are joined before the memory is
// unmapped and the files closed and removed.
class Runner {
 public:
  Runner(const Config& c, const std::string& dir)
      : c_(c), abs_(c.geometry.page_size, static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE))) {
    try {
      open_files(dir);
      memory_ = std::make_unique<RealMemory>(c_.regions, abs_);
    } catch (...) {
      close_files();  // the destructor does not run for a constructor that throws
      throw;
    }
    records_.resize(c_.threads.size());
    source_may_change_.resize(c_.threads.size());
    for (std::size_t t = 0; t < c_.threads.size(); ++t) {
      records_[t].resize(c_.threads[t].ops.size());
      for (std::size_t i = 0; i < c_.threads[t].ops.size(); ++i)
        source_may_change_[t].push_back(source_may_change(c_, t, i));
    }
    const unsigned parties = static_cast<unsigned>(c_.threads.size() + c_.agents.size() + 1);
    start_ = std::make_unique<SpinBarrier>(parties);
    end_ = std::make_unique<SpinBarrier>(parties);
    try {
      for (std::size_t t = 0; t < c_.threads.size(); ++t)
        workers_.emplace_back([this, t] { loop([this, t] { run_thread(t); }); });
      for (const AgentSpec& a : c_.agents) workers_.emplace_back([this, a] { loop([this, a] { run_agent(a); }); });
    } catch (const std::system_error& e) {
      // The threads that did start wait at the start barrier: release them
      // to end, then clean up as the destructor would.
      start_->set_parties(static_cast<unsigned>(workers_.size() + 1));
      stop_workers();
      memory_.reset();
      close_files();
      throw std::runtime_error(std::string("cannot start the scenario's threads: ") + e.what());
    }
  }

  ~Runner() {
    stop_workers();
    memory_.reset();
    close_files();
  }

  const Abstraction& abstraction() const { return abs_; }

  // One iteration: restore, release, wait, read back.
  std::string iterate() {
    restore();
    start_->arrive_and_wait();
    end_->arrive_and_wait();
    return outcome();
  }

 private:
  // The file in `dir`, one descriptor of it for each thread (its own file
  // position, as each model thread has its own open file).
  void open_files(const std::string& dir) {
    path_ = dir + "/interleave-litmus-XXXXXX";
    fd_ = ::mkstemp(path_.data());
    if (fd_ < 0) fail("cannot create a file in " + dir);
    for (std::size_t t = 0; t < c_.threads.size(); ++t) thread_fds_.push_back(open_for(t));
  }

  // How thread t opens the file: O_RDWR and its open_flags.
  int real_open_flags(std::size_t t) const {
    return O_RDWR | O_CLOEXEC | (c_.threads[t].open_flags & models::pagecache::kOpenAppend ? O_APPEND : 0);
  }
  int open_for(std::size_t t) const {
    const int fd = ::open(path_.c_str(), real_open_flags(t));
    if (fd < 0) fail("cannot open " + path_);
    return fd;
  }

  void close_files() noexcept {
    for (int fd : thread_fds_)
      if (fd >= 0) ::close(fd);
    thread_fds_.clear();
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(path_.c_str());
      fd_ = -1;
    }
  }

  // Called between iterations only (every worker waits at the start barrier).
  void stop_workers() noexcept {
    if (workers_.empty()) return;
    quit_.store(true, std::memory_order_release);
    start_->arrive_and_wait();
    for (std::thread& w : workers_) w.join();
    workers_.clear();
  }

  template <class Body>
  void loop(Body body) {
    for (;;) {
      start_->arrive_and_wait();
      if (quit_.load(std::memory_order_acquire)) return;
      body();
      end_->arrive_and_wait();
    }
  }

  // The scenario's initial state: the file's content (overwritten in place
  // and cut to its size, so that its blocks stay allocated), the pages that
  // do not start cached written back and dropped, every thread's position at
  // 0, the memory mapped again.
  void restore() {
    const std::vector<std::uint8_t> content = abs_.expand(c_.file.content);
    for (std::size_t done = 0; done < content.size();) {
      const ssize_t n = ::pwrite(fd_, content.data() + done, content.size() - done, static_cast<off_t>(done));
      if (n <= 0) fail("cannot write " + path_);
      done += static_cast<std::size_t>(n);
    }
    if (::ftruncate(fd_, static_cast<off_t>(content.size())) != 0) fail("cannot truncate " + path_);
    const std::uint32_t P = c_.geometry.page_size;
    const std::uint64_t pages = (c_.file.content.size() + P - 1) / P;
    bool synced = false;
    for (std::uint32_t p = 0; p < pages; ++p) {
      if (std::find(c_.file.cached_pages.begin(), c_.file.cached_pages.end(), p) != c_.file.cached_pages.end())
        continue;
      if (!synced && ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                                      SYNC_FILE_RANGE_WAIT_AFTER) != 0)
        fail("cannot write back " + path_);
      synced = true;
      ::posix_fadvise(fd_, static_cast<off_t>(abs_.real(std::uint64_t(p) * P)), static_cast<off_t>(abs_.real_page()),
                      POSIX_FADV_DONTNEED);
    }
    for (std::size_t t = 0; t < thread_fds_.size(); ++t) {
      if (thread_fds_[t] < 0) thread_fds_[t] = open_for(t);  // the thread closed it last time
      if (::lseek(thread_fds_[t], 0, SEEK_SET) != 0) fail("cannot seek in " + path_);
    }
    memory_->reset(fd_);
  }

  std::vector<struct iovec> real_iov(const std::vector<models::pagecache::IoVec>& iov) const {
    std::vector<struct iovec> out;
    for (const auto& v : iov) out.push_back({memory_->at(v.address), abs_.real(v.length)});
    return out;
  }

  // The thread's system calls in order, each recorded as the model records it.
  void run_thread(std::size_t t) {
    int& fd = thread_fds_[t];  // -1 once the thread closed it: its calls then get EBADF, as the model's
    const auto& ops = c_.threads[t].ops;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const Operation& op = ops[i];
      const std::vector<struct iovec> iov = real_iov(op.iov);
      void* p = iov.empty() ? nullptr : iov[0].iov_base;
      const std::size_t n = iov.empty() ? 0 : iov[0].iov_len;
      const off_t off = static_cast<off_t>(abs_.real(op.offset));
      long long r = 0;
      CallRecord& rec = records_[t][i];
      rec.data.clear();
      const bool writes = op.kind == Operation::Kind::write || op.kind == Operation::Kind::pwrite ||
                          op.kind == Operation::Kind::writev;
      std::vector<std::uint8_t> before;
      if (writes && source_may_change_[t][i]) before = memory_->peek(op.iov, SIZE_MAX, fd_);
      switch (op.kind) {
        case Operation::Kind::write: r = ::write(fd, p, n); break;
        case Operation::Kind::read: r = ::read(fd, p, n); break;
        case Operation::Kind::pwrite: r = ::pwrite(fd, p, n, off); break;
        case Operation::Kind::pread: r = ::pread(fd, p, n, off); break;
        case Operation::Kind::writev: r = ::writev(fd, iov.data(), static_cast<int>(iov.size())); break;
        case Operation::Kind::touch: {
          // why_not_real() refused a touch that could fault: this one cannot.
          auto* at = static_cast<std::uint8_t*>(p);
          if (op.store) std::memset(at, op.value, abs_.slice());
          rec.data = abs_.collapse(at, abs_.slice());
          r = static_cast<long long>(abs_.slice());  // one model byte, as the model counts a touch
          break;
        }
        case Operation::Kind::munmap: r = ::munmap(p, n); break;
        case Operation::Kind::msync: r = ::msync(p, n, MS_SYNC); break;
        case Operation::Kind::fsync: r = ::fsync(fd); break;
        case Operation::Kind::lseek: {
          static constexpr int whences[] = {SEEK_SET, SEEK_CUR, SEEK_END};
          const off_t real_off = static_cast<off_t>(op.seek_offset) * static_cast<off_t>(abs_.slice());
          r = ::lseek(fd, real_off, whences[static_cast<int>(op.whence)]);
          break;
        }
        case Operation::Kind::close:
          r = ::close(fd);
          fd = -1;
          break;
        case Operation::Kind::open: {
          const int nfd = ::open(path_.c_str(), real_open_flags(t));
          r = nfd < 0 ? -1 : 0;  // the model's open returns 0: the thread's one fd
          if (nfd >= 0) fd = nfd;
          break;
        }
        case Operation::Kind::ftruncate: r = ::ftruncate(fd, static_cast<off_t>(abs_.real(op.length))); break;
      }
      if (r < 0) r = -errno;
      rec.result = r;
      if (writes && r > 0)
        rec.data = written_bytes(source_may_change_[t][i] ? &before : nullptr,
                                 memory_->peek(op.iov, static_cast<std::size_t>(r), fd_), static_cast<std::size_t>(r), abs_);
      if ((op.kind == Operation::Kind::read || op.kind == Operation::Kind::pread) && r > 0)
        rec.data = read_bytes(iov[0], static_cast<std::size_t>(r), abs_);
    }
  }

  // A background agent's actions, `budget` of them, as close to the model's
  // as user space can ask (docs/litmus.md says how they differ): reclaim
  // alternates unmapping the shared mappings' pages (madvise MADV_DONTNEED)
  // and dropping the file's clean unmapped pages (POSIX_FADV_DONTNEED);
  // writeback starts writing the dirty pages.
  void run_agent(const AgentSpec& a) {
    for (std::uint32_t k = 0; k < a.budget; ++k) {
      if (a.kind == AgentSpec::Kind::writeback) {
        ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
      } else if (k % 2 == 0 && !memory_->shared().empty()) {
        for (const auto& [addr, len] : memory_->shared()) ::madvise(addr, len, MADV_DONTNEED);
      } else {
        ::posix_fadvise(fd_, 0, 0, POSIX_FADV_DONTNEED);
      }
    }
  }

  // The whole file read back as model bytes.
  std::vector<AbstractByte> read_file() {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail("cannot stat " + path_);
    std::vector<std::uint8_t> raw(static_cast<std::size_t>(st.st_size));
    for (std::size_t done = 0; done < raw.size();) {
      const ssize_t n = ::pread(fd_, raw.data() + done, raw.size() - done, static_cast<off_t>(done));
      if (n <= 0) fail("cannot read " + path_);
      done += static_cast<std::size_t>(n);
    }
    std::vector<AbstractByte> out = abs_.collapse(raw.data(), raw.size());
    if (raw.size() % abs_.slice() != 0) out.push_back(kTornSlice);
    return out;
  }

  // The outcome line, in the order and form of PageCacheProgram::outcome():
  // the calls by thread and index, then the file read back through the page
  // cache, and again after the shared mappings are gone, a sync and an
  // eviction of every page.
  std::string outcome() {
    std::string out;
    for (std::size_t t = 0; t < records_.size(); ++t)
      for (std::size_t i = 0; i < records_[t].size(); ++i) {
        const CallRecord& r = records_[t][i];
        if (!out.empty()) out += "; ";
        out += "T" + std::to_string(t) + "." + std::to_string(i) + " " + models::pagecache::operation_name(c_.threads[t].ops[i].kind) + "=" +
               abs_.show_count(r.result);
        if (!r.data.empty()) out += " " + show_abstract(r.data);
      }
    const std::vector<AbstractByte> cached = read_file();
    memory_->unmap_all();
    // The data written and waited for (not the journal: fsync's commit
    // costs milliseconds on a loop device, and the eviction that follows
    // needs only clean pages), then every page dropped.
    if (::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0)
      fail("cannot write back " + path_);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_DONTNEED);
    const std::vector<AbstractByte> evicted = read_file();
    if (!out.empty()) out += "; ";
    return out + "final " + show_abstract(cached) + " / " + show_abstract(evicted);
  }

  const Config& c_;
  Abstraction abs_;
  std::string path_;
  int fd_ = -1;
  std::vector<int> thread_fds_;
  std::unique_ptr<RealMemory> memory_;
  std::vector<std::vector<CallRecord>> records_;
  std::vector<std::vector<bool>> source_may_change_;  // by thread and operation
  std::unique_ptr<SpinBarrier> start_, end_;
  std::atomic<bool> quit_{false};
  std::vector<std::thread> workers_;
};

}  // namespace

std::string why_not_real(const Config& c, std::uint64_t real_page) {
  if (c.geometry.page_size == 0 || real_page % c.geometry.page_size != 0)
    return "its page size of " + std::to_string(c.geometry.page_size) + " bytes does not divide the real page of " +
           std::to_string(real_page) + " bytes";
  if (c.faults.copy_from_user)
    return "it injects copy_from_user failures after any number of bytes, which the kernel cannot be made to take "
           "at a chosen byte (an \"invalid\" region makes a real fault instead)";
  if (c.faults.read_io_error || c.faults.write_io_error)
    return "it injects block I/O errors, which the kernel cannot be made to return on a file in a directory";
  bool file_written = false;  // by some thread's write, or a store into a mapping of it
  for (const auto& th : c.threads)
    for (const Operation& op : th.ops)
      if (op.kind == Operation::Kind::write || op.kind == Operation::Kind::pwrite ||
          op.kind == Operation::Kind::writev || (op.kind == Operation::Kind::touch && op.store))
        file_written = true;
  for (const auto& th : c.threads)
    for (const Operation& op : th.ops) {
      for (const models::pagecache::IoVec& v : op.iov)
        if (overlaps(v.address, v.length, models::pagecache::kI386TaskSize,
                     models::pagecache::kX86_64TaskSizeMax - models::pagecache::kI386TaskSize))
          return "thread \"" + th.name + "\" passes bytes " + json_read::hex_range(v.address, v.address + v.length) +
                 ", which reach from i386's TASK_SIZE 0xc0000000 up to x86-64's TASK_SIZE_MAX: user memory with no "
                 "vma for the linux-6 models, where the runner cannot promise that nothing is mapped (a kernel "
                 "address from " + json_read::hex(models::pagecache::kX86_64TaskSizeMax) + " on can be passed)";
      const bool reads = op.kind == Operation::Kind::read || op.kind == Operation::Kind::pread;
      if (reads && file_written && c.threads.size() > 1)
        for (const Region& r : c.regions)
          if (r.kind == Region::Kind::shared_file && overlaps(op.iov[0].address, op.iov[0].length, r.start, r.length))
            return "thread \"" + th.name + "\" reads into region \"" + r.name +
                   "\", a mapping of the file that other threads write: what the read returned could be overwritten "
                   "before it could be looked at";
      if (op.kind == Operation::Kind::msync || op.kind == Operation::Kind::munmap)
        for (const Region& r : c.regions)
          if (r.kind == Region::Kind::invalid && overlaps(op.iov[0].address, op.iov[0].length, r.start, r.length))
            return "thread \"" + th.name + "\" calls " + models::pagecache::operation_name(op.kind) +
                   " on region \"" + r.name +
                   "\", which the runner keeps as a PROT_NONE mapping (a real vma, which msync and munmap accept), "
                   "where the model has no vma";
      if (op.kind != Operation::Kind::touch) continue;
      const std::uint64_t a = op.iov[0].address;
      for (const Region& r : c.regions) {
        if (!overlaps(a, 1, r.start, r.length)) continue;
        if (r.kind == Region::Kind::shared_file &&
            (r.file_offset + (a - r.start)) / c.geometry.page_size * c.geometry.page_size >= c.file.content.size())
          return "thread \"" + th.name + "\" touches a page of region \"" + r.name +
                 "\" past the file's end at the start, a SIGBUS in a real thread";
        // An unmap by another thread may come first; by this one, only when
        // it is an earlier operation.
        for (const auto& other : c.threads)
          for (std::size_t k = 0; k < other.ops.size() && (&other != &th || &other.ops[k] != &op); ++k) {
            const Operation& u = other.ops[k];
            if (u.kind == Operation::Kind::munmap && overlaps(u.iov[0].address, u.iov[0].length, r.start, r.length))
              return "thread \"" + th.name + "\" touches region \"" + r.name +
                     "\", which a thread may have unmapped by then: a SIGSEGV in a real thread";
            // An ftruncate below the touched page makes it a SIGBUS.
            if (r.kind == Region::Kind::shared_file && u.kind == Operation::Kind::ftruncate &&
                (r.file_offset + (a - r.start)) / c.geometry.page_size * c.geometry.page_size >= u.length)
              return "thread \"" + th.name + "\" touches a page of region \"" + r.name +
                     "\" that an ftruncate may have cut from the file by then: a SIGBUS in a real thread";
          }
      }
    }
  return "";
}

Observed run_real(const Config& c, const std::string& dir, const Budget& budget, const std::atomic<int>* stop) {
  Runner runner(c, dir);
  Observed o;
  o.real_page = runner.abstraction().real_page();
  o.slice = runner.abstraction().slice();
  const auto begin = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count(); };
  for (;;) {
    if (stop && stop->load() != 0) {
      o.interrupted = stop->load();
      break;
    }
    if (budget.iterations != 0 && o.iterations >= budget.iterations) break;
    if (budget.seconds > 0 && elapsed() >= budget.seconds) break;
    const std::string line = runner.iterate();
    ++o.iterations;
    Seen& s = o.outcomes[line];
    if (s.count++ == 0) s.first_iteration = o.iterations;
  }
  o.seconds = elapsed();
  return o;
}

}  // namespace checker::litmus
