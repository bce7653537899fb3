// The `interleave` binary in a child process that a test can signal: started
// in a working directory with its output in files, stopped with kill(), and
// waited for with the time it took to end. Job runners (GNU timeout, CI,
// systemd, Slurm) signal a whole process group, so a child can be started as
// the leader of a group of its own, or under another program (`timeout`).
#pragma once

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace checker::testing {

inline std::string slurp_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scenario file at `file` whose DFS search (a mutex program) takes far
// longer than any test waits: for the tests that interrupt a search.
inline void write_big(const std::filesystem::path& file) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << R"({"name": "big-counter", "model": "example:locked-counter",
    "params": {"threads": 5, "increments": 3}, "expect": {"verdict": "pass"}})";
}

class Child {
 public:
  // Runs INTERLEAVE_BIN_PATH with `args` in `dir`; stdout to out.txt, stderr to err.txt.
  Child(const std::filesystem::path& dir, const std::vector<std::string>& args) : Child(dir, {}, args, false) {}
  // Runs `wrapper` (a program and its arguments, e.g. {"timeout", "2"}) with
  // INTERLEAVE_BIN_PATH and `args` after it; with `own_group`, the child
  // leads a new process group, which signal_group() signals. With
  // `terminal`, it leads a new session whose controlling terminal is a new
  // pseudo-terminal (its output still goes to the files), and type() sends
  // it keys as a person would: a Ctrl-C there is the kernel's SIGINT.
  Child(const std::filesystem::path& dir, const std::vector<std::string>& wrapper,
        const std::vector<std::string>& args, bool own_group, bool terminal = false)
      : dir_(dir), own_group_(own_group || terminal) {
    pid_ = terminal ? ::forkpty(&terminal_, nullptr, nullptr, nullptr) : ::fork();
    if (pid_ == 0) {
      if (own_group && !terminal) ::setpgid(0, 0);
      if (::chdir(dir.c_str()) != 0) ::_exit(127);
      const int out = ::open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int in = ::open("/dev/null", O_RDONLY);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::dup2(in, 0);
      std::vector<std::string> copy = wrapper;
      copy.push_back(INTERLEAVE_BIN_PATH);
      copy.insert(copy.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    // Set in both processes, so that a signal to the group cannot come before it exists.
    if (own_group && !terminal && pid_ > 0) ::setpgid(pid_, pid_);
  }
  ~Child() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      if (own_group_) ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (terminal_ >= 0) ::close(terminal_);
  }
  // Writes `keys` to the child's terminal ("\x03" is Ctrl-C).
  void type(const std::string& keys) {
    signalled_at_ = std::chrono::steady_clock::now();
    if (::write(terminal_, keys.data(), keys.size()) < 0) return;
  }
  bool started() const { return pid_ > 0; }
  void signal(int sig) {
    signalled_at_ = std::chrono::steady_clock::now();
    ::kill(pid_, sig);
  }
  // The whole process group the child leads (started with `own_group`).
  void signal_group(int sig) {
    signalled_at_ = std::chrono::steady_clock::now();
    ::kill(-pid_, sig);
  }
  pid_t pid() const { return pid_; }
  // Waits at most `limit_s` seconds; true when it ended by then (then code()
  // and seconds_after_signal() tell how).
  bool wait(double limit_s) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
    for (;;) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        ended_at_ = std::chrono::steady_clock::now();
        waited_ = true;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        return true;
      }
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  int code() const { return code_; }
  double seconds_after_signal() const { return std::chrono::duration<double>(ended_at_ - signalled_at_).count(); }
  std::string out() const { return slurp_file(dir_ / "out.txt"); }
  std::string err() const { return slurp_file(dir_ / "err.txt"); }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  bool own_group_ = false;
  int terminal_ = -1;  // the pseudo-terminal's master side
  bool waited_ = false;
  int code_ = -1000;
  std::chrono::steady_clock::time_point signalled_at_{}, ended_at_{};
};

// Runs the binary to its end (no signal); returns the exit code.
inline int run_to_end(const std::filesystem::path& dir, const std::vector<std::string>& args, double limit_s = 600) {
  Child c(dir, args);
  if (!c.wait(limit_s)) return -1;
  return c.code();
}

// Files in `dir` (recursively) whose name has a temporary-file mark: what a
// write that was cut short would leave.
inline std::vector<std::string> temp_files(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(e.path().string());
  return found;
}

}  // namespace checker::testing
