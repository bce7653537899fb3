#include "checker/io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "checker/io/input_error.hpp"

namespace checker {

namespace fs = std::filesystem;

namespace {

// The temporary files being written, for remove_partial_outputs(): a fixed
// table, because a signal handler may neither allocate nor lock.
constexpr std::size_t kSlots = 8;
constexpr std::size_t kPathMax = 4096;
struct PartialSlot {
  std::atomic<bool> taken{false};
  std::atomic<bool> ready{false};
  char path[kPathMax];
};
PartialSlot g_partial[kSlots];

int register_partial(const std::string& tmp) {
  if (tmp.size() >= kPathMax) return -1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (g_partial[i].taken.exchange(true)) continue;
    std::memcpy(g_partial[i].path, tmp.c_str(), tmp.size() + 1);
    g_partial[i].ready.store(true);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_partial(int slot) {
  if (slot < 0) return;
  g_partial[slot].ready.store(false);
  g_partial[slot].taken.store(false);
}

// A temporary name beside `target`, unique in this process.
std::string temporary_name(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

// Follows symbolic links to the path they end at (which need not exist).
fs::path resolve_links(fs::path p) {
  for (int i = 0; i < 40; ++i) {  // the kernel's own limit; a loop fails when opened
    std::error_code ec;
    if (!fs::is_symlink(p, ec)) return p;
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) return p;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  return p;
}

fs::path directory_of(const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); }

bool written_through(mode_t mode) { return S_ISCHR(mode) || S_ISFIFO(mode); }

[[noreturn]] void refuse(const std::string& option, const std::string& path, const std::string& what,
                         const std::string& hint = {}) {
  InputError e("", what, hint);
  e.set_file(option + " " + path);
  throw e;
}

const char* kNoDirectoryHint = "create the directory first: outputs do not create the directories they are in";

// The directory `dir` must exist, and a file must be creatable in it.
void check_directory(const std::string& option, const std::string& path, const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) refuse(option, path, "the directory " + dir.string() + " does not exist", kNoDirectoryHint);
    refuse(option, path, "cannot use the directory " + dir.string() + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) refuse(option, path, dir.string() + " is not a directory");
  const std::string probe = temporary_name(dir / ".interleave-probe");
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) refuse(option, path, "cannot create a file in " + dir.string() + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_through(const fs::path& target, const std::string& text) {
  // A FIFO waits here for its reader, as a shell's `>` does.
  const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && errno != EINTR)
    throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
}

void write_atomically(const fs::path& target, const std::string& text) {
  struct stat st {};
  const fs::path dir = directory_of(target);
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("cannot write " + target.string() + ": the directory " + dir.string() +
                             " does not exist");
  const std::string tmp = temporary_name(target);
  const int slot = register_partial(tmp);
  std::FILE* f = std::fopen(tmp.c_str(), "wbx");
  if (!f) {
    const int err = errno;
    unregister_partial(slot);
    throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fflush(f) == 0 && ok;
  ok = ::fsync(::fileno(f)) == 0 && ok;
  const int err = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    unregister_partial(slot);
    throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(err));
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) std::remove(tmp.c_str());
  unregister_partial(slot);
  if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + target.string() + ": " + ec.message());
}

}  // namespace

void check_output_path(const std::string& option, const std::string& path, OutputKind kind) {
  if (path.empty()) {
    InputError e("", "found an empty path, expected a file name" +
                         std::string(kind == OutputKind::file ? " (or - for standard output)" : ""));
    e.set_file(option);
    throw e;
  }
  if (path == kStandardOutput) {
    if (kind == OutputKind::file) return;
    refuse(option, path, kind == OutputKind::directory ? "standard output is not a directory"
                                                       : "this output cannot be standard output: it is read back as a file");
  }
  struct stat st {};
  // A device or FIFO, through any links (/dev/stdout is a link to a link in
  // /proc whose text names no file): written through as the kernel opens it.
  if (kind != OutputKind::directory && ::stat(path.c_str(), &st) == 0 && written_through(st.st_mode)) {
    if (::access(path.c_str(), W_OK) != 0) refuse(option, path, std::strerror(errno));
    return;
  }
  fs::path named(path);
  if (kind == OutputKind::directory && !named.has_filename() && named.has_parent_path())
    named = named.parent_path();  // "traces/"
  const fs::path target = resolve_links(named);
  if (::stat(target.c_str(), &st) != 0) {
    if (errno != ENOENT) refuse(option, path, std::strerror(errno));
    check_directory(option, path, directory_of(target));
    return;
  }
  if (kind == OutputKind::directory) {
    if (!S_ISDIR(st.st_mode)) refuse(option, path, "is not a directory");
    check_directory(option, path, target);
    return;
  }
  if (S_ISDIR(st.st_mode)) refuse(option, path, "is a directory, expected a file");
  if (!S_ISREG(st.st_mode)) refuse(option, path, "is neither a regular file nor a character device or FIFO");
  check_directory(option, path, directory_of(target));
}

bool names_one_file(const std::string& path, const std::string& extension) {
  if (path == kStandardOutput) return true;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::exists(st)) return !fs::is_directory(st);
  return path.size() > extension.size() && path.ends_with(extension);
}

bool check_output_paths(const std::vector<NamedOutput>& outputs) {
  const NamedOutput* to_stdout = nullptr;
  for (const NamedOutput& o : outputs) {
    if (o.path.empty()) continue;
    check_output_path(o.option, o.path, o.kind);
    if (o.path != kStandardOutput) continue;
    if (to_stdout)
      refuse(o.option, o.path, "standard output is already " + to_stdout->option + "'s",
             "name a file for one of them");
    to_stdout = &o;
  }
  return to_stdout != nullptr;
}

void write_output_file(const std::string& path, const std::string& text) {
  if (path == kStandardOutput) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("cannot write to standard output");
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && written_through(st.st_mode)) return write_through(path, text);
  write_atomically(resolve_links(path), text);
}

void make_output_directory(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  fs::path p(dir);
  if (!p.has_filename()) p = p.parent_path();  // "traces/"
  const fs::path parent = directory_of(p);
  if (!fs::is_directory(parent, ec))
    throw std::runtime_error("cannot create the directory " + dir + ": " + parent.string() + " does not exist");
  fs::create_directory(dir, ec);
  if (ec) throw std::runtime_error("cannot create the directory " + dir + ": " + ec.message());
}

void remove_partial_outputs() noexcept {
  for (PartialSlot& s : g_partial)
    if (s.ready.load()) ::unlink(s.path);
}

}  // namespace checker
