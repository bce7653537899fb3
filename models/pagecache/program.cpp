#include "models/pagecache/program.hpp"

#include <algorithm>
#include <numeric>

#include "models/pagecache/agents.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/mm.hpp"
#include "models/pagecache/uaccess.hpp"
#include "models/pagecache/vmscan.hpp"

namespace models::pagecache {

namespace {

constexpr std::int64_t kFdClosedEBADF = 9;

// The calls that name the thread's fd (file15: -EBADF once it is closed);
// touch, munmap and msync name user memory, not the fd.
bool takes_fd(Operation::Kind k) {
  using K = Operation::Kind;
  return k != K::touch && k != K::munmap && k != K::msync;
}

// The calls with no user buffer and no file offset of their own.
bool uses_no_buffer(Operation::Kind k) {
  using K = Operation::Kind;
  return k == K::lseek || k == K::close || k == K::open;
}

}  // namespace

PageCacheProgram::PageCacheProgram(Config cfg, KernelFactory make_kernel)
    : cfg_(std::move(cfg)), make_kernel_(std::move(make_kernel)) {
  validate(cfg_);
}

void PageCacheProgram::setup(sim::Execution& ex) {
  state_.reset();
  state_ = std::make_unique<State>(ex, cfg_, make_kernel_);
  State& s = *state_;
  for (std::size_t t = 0; t < cfg_.threads.size(); ++t) {
    const std::string& n = cfg_.threads[t].name;
    ex.spawn(n.empty() ? "T" + std::to_string(t) : n, [this, t] { run_thread(t); });
  }
  ex.spawn("disk", [&s] { disk_daemon(s); }, true);
  std::size_t reclaimers = 0, flushers = 0;
  for (const AgentSpec& a : cfg_.agents) {
    if (a.kind == AgentSpec::Kind::reclaim) {
      const std::string name = ++reclaimers == 1 ? "kswapd" : "kswapd" + std::to_string(reclaimers);
      ex.spawn(name, [&s, b = a.budget, apart = a.wake_apart] { reclaim_agent(s, b, apart); }, true);
    } else {
      const std::string name = ++flushers == 1 ? "bdflush" : "bdflush" + std::to_string(flushers);
      ex.spawn(name, [&s, b = a.budget] { writeback_agent(s, b); }, true);
    }
  }
  ex.set_state_describer([&s] { return s.describe(); });
  if (!checks_.empty()) {
    std::vector<std::function<void()>> checks;
    for (const StepCheckFactory& f : checks_) checks.push_back(f(ex, s));
    ex.set_step_check([checks = std::move(checks)] {
      for (const auto& c : checks) c();
    });
  }
}

void PageCacheProgram::run_thread(std::size_t t) {
  State& s = *state_;
  File& file = s.files[t];
  const ThreadSpec& spec = cfg_.threads[t];
  bool fd_open = true;  // the thread's one fd (file15: close empties it, open fills it)
  for (std::size_t k = 0; k < spec.ops.size(); ++k) {
    const Operation& op = spec.ops[k];
    SyscallRecord rec;
    rec.thread = s.ex.current();
    rec.op_index = k;
    rec.kind = op.kind;
    rec.begin_step = s.ex.steps();
    rec.file_offset = op.kind == Operation::Kind::pread || op.kind == Operation::Kind::pwrite ? op.offset : file.f_pos;
    rec.requested = std::accumulate(op.iov.begin(), op.iov.end(), std::uint64_t{0},
                                    [](std::uint64_t a, const IoVec& v) { return a + v.length; });
    if (op.kind == Operation::Kind::touch) rec.requested = 1;
    if (op.kind == Operation::Kind::touch || op.kind == Operation::Kind::munmap ||
        op.kind == Operation::Kind::msync || op.kind == Operation::Kind::fsync || uses_no_buffer(op.kind))
      rec.file_offset = 0;
    if (op.kind == Operation::Kind::ftruncate) rec.file_offset = op.length;  // the new size (SyscallRecord)
    const std::size_t at = s.obs.calls.size();
    s.obs.calls.push_back(rec);
    s.call_of_thread[t] = at;

    Bytes data;
    std::int64_t result = 0;
    Kernel& k_ = *s.kernel;
    if (!fd_open && takes_fd(op.kind) && op.kind != Operation::Kind::open) {
      result = -kFdClosedEBADF;  // fget(fd) finds no file: before any kernel function runs
    } else switch (op.kind) {
      case Operation::Kind::write: result = k_.sys_write(file, op.iov[0].address, op.iov[0].length, data); break;
      case Operation::Kind::read: result = k_.sys_read(file, op.iov[0].address, op.iov[0].length, data); break;
      case Operation::Kind::pwrite:
        result = k_.sys_pwrite(file, op.iov[0].address, op.iov[0].length, op.offset, data);
        break;
      case Operation::Kind::pread:
        result = k_.sys_pread(file, op.iov[0].address, op.iov[0].length, op.offset, data);
        break;
      case Operation::Kind::writev: result = k_.sys_writev(file, op.iov, data); break;
      case Operation::Kind::touch: {
        std::uint8_t loaded = 0;
        const FaultResult r = user_access(s, op.iov[0].address, op.store, op.value, loaded);
        result = r == FaultResult::handled ? 1 : -14;  // a signal (SIGSEGV, SIGBUS) is reported as -EFAULT
        if (r == FaultResult::handled) data.push_back(loaded);
        break;
      }
      case Operation::Kind::munmap: result = sys_munmap(s, op.iov[0].address, op.iov[0].length); break;
      case Operation::Kind::msync: result = k_.sys_msync(op.iov[0].address, op.iov[0].length); break;
      case Operation::Kind::fsync: result = k_.sys_fsync(file); break;
      case Operation::Kind::lseek: result = k_.sys_lseek(file, op.seek_offset, op.whence); break;
      case Operation::Kind::close:
        fd_open = false;  // sys_close releases the fd before filp_close
        result = k_.sys_close(file);
        break;
      case Operation::Kind::open:
        result = k_.sys_open(file, spec.open_flags);
        fd_open = true;
        break;
      case Operation::Kind::ftruncate: result = k_.sys_ftruncate(file, op.length); break;
    }
    SyscallRecord& r = s.obs.calls[at];
    r.result = result;
    r.data = std::move(data);
    r.end_step = s.ex.steps();
    r.completed = true;
  }
}

sim::Verdict PageCacheProgram::check_end(sim::Execution& ex) {
  if (ex.verdict().failed() || !final_read_) return ex.verdict();
  State& s = *state_;
  const sim::Verdict v = ex.run_epilogue("epilogue", [&s] {
    s.epilogue = true;
    s.obs.final_cached_error = s.kernel->epilogue_read(s.obs.final_cached);
    // Every MAP_SHARED pte is unmapped as reclaim would (a dirty pte dirties its page).
    for (auto& [vpn, pte] : s.mm.ptes)
      if (pte.shared && pte.present) try_to_swap_out(s, pte);
    s.kernel->epilogue_sync();
    s.kernel->epilogue_evict();
    s.obs.final_after_evict_error = s.kernel->epilogue_read(s.obs.final_after_evict);
    s.obs.final_read_done = true;
  });
  return v;
}

std::string PageCacheProgram::outcome() const {
  const Observation& o = state_->obs;
  std::vector<const SyscallRecord*> calls;
  for (const SyscallRecord& c : o.calls) calls.push_back(&c);
  std::sort(calls.begin(), calls.end(), [](const SyscallRecord* a, const SyscallRecord* b) {
    return a->thread != b->thread ? a->thread < b->thread : a->op_index < b->op_index;
  });
  std::string out;
  for (const SyscallRecord* c : calls) {
    if (!out.empty()) out += "; ";
    out += "T" + std::to_string(c->thread) + "." + std::to_string(c->op_index) + " " + operation_name(c->kind) + "=" +
           (c->completed ? std::to_string(c->result) : std::string("?"));
    if (!c->data.empty()) out += " " + show_bytes(c->data);
  }
  if (o.final_read_done) {
    if (!out.empty()) out += "; ";
    out += "final " + show_bytes(o.final_cached) + " / " + show_bytes(o.final_after_evict);
  }
  return out;
}

}  // namespace models::pagecache
