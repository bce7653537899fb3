// Filesystems for the litmus tests: a tmpfs, or an ext4 or XFS loop image,
// mounted for one test and undone by a guard on every way out.
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace litmus_test {

namespace fs = std::filesystem;

// A filesystem mounted for one test, unmounted (and its image removed) when
// the guard goes, whatever the test did. `mount -o loop` sets up the loop
// device with autoclear, so unmounting also frees it.
class Mount {
 public:
  // A tmpfs at `dir`.
  static Mount tmpfs(const fs::path& dir) {
    Mount m(dir);
    m.mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64m") == 0;
    return m;
  }
  // A `type` image made with mkfs.`type` and loop-mounted at `dir`.
  static Mount loop(const fs::path& dir, const std::string& type) {
    Mount m(dir);
    m.image_ = dir.string() + ".img";
    const std::string img = "'" + m.image_.string() + "'";
    const std::string cmd = "PATH=$PATH:/usr/sbin:/sbin; truncate -s 320M " + img + " && mkfs." + type +
                            " -q " + (type == "xfs" ? "-f " : "-F ") + img + " >/dev/null 2>&1 && mount -o loop " +
                            img + " '" + dir.string() + "' 2>/dev/null";
    m.mounted_ = std::system(cmd.c_str()) == 0;
    return m;
  }
  Mount(Mount&& o) noexcept : dir_(o.dir_), image_(o.image_), mounted_(o.mounted_) { o.mounted_ = false, o.image_.clear(); }
  ~Mount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ec;
    if (!image_.empty()) fs::remove(image_, ec);
  }
  bool mounted() const { return mounted_; }
  const fs::path& dir() const { return dir_; }

 private:
  explicit Mount(const fs::path& dir) : dir_(dir) { fs::create_directories(dir); }
  fs::path dir_, image_;
  bool mounted_ = false;
};

inline bool is_root() { return ::geteuid() == 0; }
inline bool have_tool(const std::string& tool) {
  return std::system(("PATH=$PATH:/usr/sbin:/sbin command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace litmus_test
