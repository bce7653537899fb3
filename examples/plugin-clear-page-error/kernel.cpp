#include "kernel.hpp"

#include <memory>

#include "models/pagecache/plugin.hpp"
#include "models/pagecache/step.hpp"

namespace clear_page_error {

using models::linux_2_4_0::kEIO;
using models::pagecache::Page;
using models::pagecache::R;
using models::pagecache::step;

// mm/filemap.c do_generic_mapping_read (2.6.24; fulei0920/linux-2.6.24 @
// d18aa49), as models/linux-2.6.24/filemap.cpp has it, with the one hunk of
// torvalds/linux 91803b499cca at the label readpage: (2.6.34's
// do_generic_file_read, the same loop). Nothing else differs; the test of
// this example compares the two functions line by line.
void Kernel::do_generic_file_read(File& filp, std::uint64_t& ppos, ReadDescriptor& desc, read_actor_t actor) {
  const std::uint64_t ps = s_.geo.page_size;
  std::uint64_t index = ppos / ps;
  const std::uint64_t last_index = (ppos + desc.count + ps - 1) / ps;
  std::uint64_t offset = ppos % ps;
  int error;

  for (;;) {
    Page* page;
    std::uint64_t end_index, isize, nr, ret;
    // cond_resched();
  find_page:
    if (index >= s_.geo.pages) {
      // A read may reach past the last page the model has (index follows
      // the read, not the file), where no file reaches: find_get_page finds
      // nothing there, the read-ahead reads nothing past EOF, and the page
      // no_cached_page would add (zeros past EOF) is dropped at page_ok,
      // where index > end_index ends the read. The model has no slot for
      // that page: the lookup, then the i_size check that ends the read.
      step(ex(), "do_generic_mapping_read: find_get_page", {R(s_.mapping.obj)});
      step(ex(), "do_generic_mapping_read: i_size_read", {R(s_.inode.size_obj)});
      goto out;
    }
    page = __find_get_page(static_cast<std::uint32_t>(index));
    if (!page) {
      page_cache_sync_readahead(filp, index, last_index - index);
      page = __find_get_page(static_cast<std::uint32_t>(index));
      if (!page) goto no_cached_page;
    }
    // PageReadahead / page_cache_async_readahead: no PG_readahead in the model.
    if (!Page_Uptodate(*page)) goto page_not_up_to_date;
  page_ok:
    // i_size must be checked after we know the page is Uptodate.
    step(ex(), "do_generic_mapping_read: i_size_read", {R(s_.inode.size_obj)});
    isize = s_.inode.i_size;
    end_index = isize ? (isize - 1) / ps : 0;
    if (!isize || index > end_index) {
      page_cache_release(*page);
      goto out;
    }
    nr = ps;
    if (index == end_index) {
      nr = ((isize - 1) % ps) + 1;
      if (nr <= offset) {
        page_cache_release(*page);
        goto out;
      }
    }
    nr = nr - offset;
    // flush_dcache_page, mark_page_accessed: no-ops / LRU.
    ret = (this->*actor)(desc, *page, static_cast<std::uint32_t>(offset), nr);
    offset += ret;
    index += offset / ps;
    offset %= ps;
    page_cache_release(*page);
    if (ret == nr && desc.count) continue;
    goto out;

  page_not_up_to_date:
    // Get exclusive access to the page ...
    lock_page(*page);
    // Did it get truncated before we got the lock?
    if (!page->mapping) {
      UnlockPage(*page);
      page_cache_release(*page);
      continue;
    }
    // Did somebody else fill it already?
    if (page->uptodate) {
      UnlockPage(*page);
      goto page_ok;
    }

  readpage:
    // A previous I/O error may have been due to temporary failures, eg.
    // multipath errors. PG_error will be set again if readpage fails.
    // (91803b499cca: ClearPageError is one step that writes page[i], the
    // object of the page's flags: models/pagecache/page.cpp.)
    ClearPageError(*page);
    // Start the actual read. The read will unlock the page.
    error = readpage(*page);
    if (error) goto readpage_error;
    if (!Page_Uptodate(*page)) {
      lock_page(*page);
      if (!page->uptodate) {
        if (!page->mapping) {
          // invalidate_inode_pages got it
          UnlockPage(*page);
          page_cache_release(*page);
          goto find_page;
        }
        UnlockPage(*page);
        error = -kEIO;
        // shrink_readahead_size_eio
        goto readpage_error;
      }
      UnlockPage(*page);
    }
    goto page_ok;

  readpage_error:
    // UHHUH! A synchronous read error occurred. Report it
    desc.error = error;
    page_cache_release(*page);
    goto out;

  no_cached_page:
    // Ok, it wasn't cached, so we need to create a new page..
    {
      const auto idx = static_cast<std::uint32_t>(index);
      page = &s_.page_cache_alloc(idx);  // page_cache_alloc_cold
      if (add_to_page_cache_unique(*page, idx)) {  // add_to_page_cache_lru: -EEXIST
        page_cache_free(*page);
        goto find_page;
      }
    }
    goto readpage;
  }
out:
  ppos = index * ps + offset;
  // file_accessed: atime
}

}  // namespace clear_page_error

INTERLEAVE_PLUGIN(registry) {
  registry.add("linux-2.6.24-clear-page-error",
               "linux-2.6.24 with do_generic_file_read's ClearPageError before readpage (91803b499cca, 2010)",
               [](models::pagecache::State& s) { return std::make_unique<clear_page_error::Kernel>(s); });
}
