// mm/memory.c L1064 vmtruncate of Linux 2.4.17 (rickgaiser/linux-2.4.17-ps2
// @ 69d1691010e92b14133758864c1433042de028cf): the ptes of the mappings past
// the new size are zapped (vmtruncate_list, under i_shared_lock) before
// truncate_inode_pages takes the pages out of the page cache; 2.4.0 zapped
// after. filemap_nopage still checks i_size once, before it looks the page
// up, so a fault beside the truncation can still map a page that has just
// left the page cache: the zap comes before the pte does either way.
// truncate_list_pages (mm/filemap.c L263) walks each list from its tail and
// restarts after the page it handled; the model keeps 2.4.0's walk, which
// takes the same steps on each page (README.md).
#include "models/linux-2.4.17/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_4_17 {

using pagecache::R;
using pagecache::W;
using pagecache::step;

void Kernel::vmtruncate(std::uint64_t offset) {
  const std::uint64_t ps = s_.geo.page_size;
  step(ex(), "vmtruncate: inode->i_size < offset", {R(s_.inode.size_obj)});
  const bool expand = s_.inode.i_size < offset;
  // (do_expand: RLIMIT_FSIZE and s_maxbytes do not bind in the model.)
  step(ex(), "vmtruncate: i_size = offset", {W(s_.inode.size_obj)});
  s_.inode.i_size = offset;
  if (expand) {
    truncate();  // out_truncate: lock_kernel(); inode->i_op->truncate(inode)
    return;
  }
  vmtruncate_list((offset + ps - 1) / ps);  // spin_lock(&mapping->i_shared_lock)
  truncate_inode_pages(offset);
  truncate();
}

}  // namespace models::linux_2_4_17
