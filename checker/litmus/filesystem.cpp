#include "checker/litmus/filesystem.hpp"

#include "checker/scenario/load.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/statfs.h>
#include <sys/utsname.h>

namespace checker::litmus {

namespace {

// include/uapi/linux/magic.h
constexpr unsigned long kExt4Magic = 0xEF53;
constexpr unsigned long kXfsMagic = 0x58465342;
constexpr unsigned long kTmpfsMagic = 0x01021994;

}  // namespace

DirFilesystem filesystem_of(const std::string& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) != 0)
    throw std::runtime_error("cannot examine " + dir + ": " + std::strerror(errno));
  DirFilesystem f;
  f.magic = static_cast<unsigned long>(st.f_type);
  if (f.magic == kExt4Magic) f = {"ext4", "linux-6-ext4", f.magic, "ext2"};
  else if (f.magic == kXfsMagic) f = {"xfs", "linux-6-xfs", f.magic, "ext2"};
  else if (f.magic == kTmpfsMagic) f = {"tmpfs", "linux-6-ext4", f.magic, "ramfs"};
  return f;
}

Scenario on_data_path(const Scenario& s, const std::string& data_path) {
  if (data_path.empty() || s.json.value("filesystem", "") == data_path) return s;
  nlohmann::json doc = s.json;
  doc["filesystem"] = data_path;
  Scenario out = parse_scenario(doc, s.file);
  return out;
}

std::string kernel_release() {
  struct utsname u {};
  if (::uname(&u) != 0) return "unknown";
  return u.release;
}

}  // namespace checker::litmus
