#include "kernel.hpp"

#include <memory>

#include "models/pagecache/plugin.hpp"

namespace read_i_sem {

// Linux 2.4.0 mm/filemap.c L1241 generic_file_read, called with the inode's
// i_sem held as generic_file_write (L2442) holds it from before its first
// page to after its last: a read then never sees a write half done.
std::int64_t Kernel::generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                       Bytes& data) {
  s_.inode.i_sem.down("generic_file_read: down(i_sem)");
  const std::int64_t ret = models::linux_2_4_0::Kernel::generic_file_read(filp, buf, count, ppos, data);
  s_.inode.i_sem.up("generic_file_read: up(i_sem)");
  return ret;
}

}  // namespace read_i_sem

INTERLEAVE_PLUGIN(registry) {
  registry.add("linux-2.4.0-read-i-sem", "2.4.0 with buffered reads under i_sem, as writes are",
               [](models::pagecache::State& s) { return std::make_unique<read_i_sem::Kernel>(s); });
}
