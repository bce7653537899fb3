#include "models/pagecache/state.hpp"

#include "models/pagecache/digest.hpp"
#include "models/pagecache/position_bound.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace models::pagecache {

namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

}  // namespace

void validate(const Config& cfg) {
  const Geometry& g = cfg.geometry;
  if (g.page_size == 0 || g.block_size == 0 || g.pages == 0 || g.copy_chunk == 0)
    bad("geometry: page_size, block_size, pages and copy_chunk must be at least 1");
  if (g.page_size % g.block_size != 0)
    bad("geometry: block_size " + std::to_string(g.block_size) + " does not divide page_size " +
        std::to_string(g.page_size));
  const std::uint64_t limit = std::uint64_t{g.page_size} * g.pages;
  if (cfg.file.content.size() > limit)
    bad("file: content of " + std::to_string(cfg.file.content.size()) + " bytes is longer than geometry.pages * page_size (" +
        std::to_string(limit) + ")");
  for (std::uint32_t i : cfg.file.cached_pages)
    if (i >= g.pages) bad("file: cached page " + std::to_string(i) + " is beyond geometry.pages");
  const std::uint64_t file_pages = (cfg.file.content.size() + g.page_size - 1) / g.page_size;
  for (std::size_t r = 0; r < cfg.regions.size(); ++r) {
    const Region& reg = cfg.regions[r];
    const std::string where = "region " + (reg.name.empty() ? std::to_string(r) : reg.name) + ": ";
    if (reg.start % g.page_size != 0 || reg.length % g.page_size != 0 || reg.length == 0)
      bad(where + "start and length must be multiples of the page size, length at least one page");
    if (reg.kind == Region::Kind::anonymous && reg.content.size() > reg.length)
      bad(where + "content longer than the region");
    if (reg.kind == Region::Kind::shared_file) {
      if (reg.file_offset % g.page_size != 0) bad(where + "file_offset must be a multiple of the page size");
      if (reg.file_offset / g.page_size + reg.length / g.page_size > g.pages)
        bad(where + "maps file pages beyond geometry.pages");
      if (reg.present && reg.file_offset / g.page_size + reg.length / g.page_size > file_pages)
        bad(where + "present, but maps file pages beyond the end of the file (filemap_nopage would give SIGBUS)");
    }
    for (std::size_t q = 0; q < r; ++q) {
      const Region& o = cfg.regions[q];
      if (reg.start < o.start + o.length && o.start < reg.start + reg.length)
        bad(where + "overlaps region " + (o.name.empty() ? std::to_string(q) : o.name));
    }
  }
  const std::uint64_t isize_bound = size_bound(cfg);
  for (std::size_t t = 0; t < cfg.threads.size(); ++t) {
    PositionBound pos;  // how far f_pos can be (reads and writes may be short)
    bool open = true;
    for (std::size_t k = 0; k < cfg.threads[t].ops.size(); ++k) {
      const Operation& op = cfg.threads[t].ops[k];
      const std::string where = "thread " + std::to_string(t) + " op " + std::to_string(k) + " (" + operation_name(op.kind) + "): ";
      std::uint64_t len = 0;
      for (const IoVec& v : op.iov) len += v.length;
      switch (op.kind) {
        case Operation::Kind::fsync:
        case Operation::Kind::lseek:
        case Operation::Kind::close:
        case Operation::Kind::open:
          if (!op.iov.empty()) bad(where + "takes no iov");
          break;
        case Operation::Kind::ftruncate:
          if (!op.iov.empty()) bad(where + "takes no iov");
          if (op.length > limit) bad(where + "length past the largest file");
          break;
        case Operation::Kind::writev:
          if (op.iov.empty()) bad(where + "needs at least one iov");
          break;
        default:
          if (op.iov.size() != 1) bad(where + "needs exactly one iov");
      }
      if (op.kind == Operation::Kind::open && open) bad(where + "the thread's file is open: close it first");
      if (op.kind == Operation::Kind::open) open = true;
      if (op.kind == Operation::Kind::close) open = false;
      if (is_file_write(op.kind)) {
        const PositionBound start = write_start(op, cfg.threads[t].open_flags, pos);
        const std::uint64_t end = start.relative ? isize_bound : start.offset + len;
        if (end > limit)
          bad(where + "may write beyond geometry.pages * page_size (" + std::to_string(limit) + " bytes)");
      }
      advance_position(pos, op, cfg.threads[t].open_flags);
    }
  }
}

State::State(sim::Execution& ex_, const Config& cfg_, const KernelFactory& make_kernel)
    : ex(ex_),
      cfg(cfg_),
      geo((validate(cfg_), cfg_.geometry)),
      blocks_per_page(cfg_.geometry.page_size / cfg_.geometry.block_size),
      slots([&] {
        std::vector<std::unique_ptr<PageSlot>> v;
        for (std::uint32_t i = 0; i < cfg_.geometry.pages; ++i)
          v.push_back(std::make_unique<PageSlot>(ex_, i, cfg_.geometry.page_size / cfg_.geometry.block_size));
        return v;
      }()),
      mapping(ex_, cfg_.geometry.pages),
      inode(ex_, cfg_.file.content.size(), cfg_.geometry.pages * (cfg_.geometry.page_size / cfg_.geometry.block_size)),
      disk(ex_, cfg_.geometry.pages * (cfg_.geometry.page_size / cfg_.geometry.block_size), cfg_.geometry.block_size),
      mm(ex_),
      files(cfg_.threads.size()),
      call_of_thread(cfg_.threads.size(), static_cast<std::size_t>(-1)) {
  const Bytes& content = cfg.file.content;
  const std::uint32_t bs = geo.block_size;
  obs.initial_content = content;
  // Each thread's struct file is opened before any thread runs, with its open_flags.
  for (std::size_t t = 0; t < files.size(); ++t) files[t].f_flags = cfg.threads[t].open_flags;

  // The file's blocks on disk: file block n is disk block n; the tail of the
  // last block past i_size reads as zeros; blocks past it belong to no file.
  if (cfg.filesystem == Filesystem::ext2) {
    const std::size_t nblocks = (content.size() + bs - 1) / bs;
    for (std::size_t b = 0; b < nblocks; ++b) {
      inode.allocated[b] = true;
      Bytes& blk = disk.blocks[b];
      std::fill(blk.begin(), blk.end(), std::uint8_t{0});
      for (std::size_t k = 0; k < bs && b * bs + k < content.size(); ++k) blk[k] = content[b * bs + k];
    }
  }

  // The page cache at the start. ramfs has no backing store: its content
  // lives only in cached pages, written and so PG_dirty (ramfs_prepare_write).
  std::vector<std::uint32_t> cached = cfg.file.cached_pages;
  if (cfg.filesystem == Filesystem::ramfs)
    for (std::uint32_t i = 0; i * geo.page_size < content.size(); ++i) cached.push_back(i);
  for (const Region& r : cfg.regions)
    if (r.kind == Region::Kind::shared_file && r.present)
      for (std::uint32_t k = 0; k < r.length / geo.page_size; ++k)
        cached.push_back(static_cast<std::uint32_t>(r.file_offset / geo.page_size) + k);
  std::sort(cached.begin(), cached.end());
  cached.erase(std::unique(cached.begin(), cached.end()), cached.end());
  for (std::uint32_t i : cached) install_cached_page(i);

  // The process's user pages.
  for (const Region& r : cfg.regions) {
    for (std::uint32_t k = 0; k < r.length / geo.page_size; ++k) {
      const std::uint64_t vpn = r.start / geo.page_size + k;
      Pte& pte = mm.ptes[vpn];
      pte.vpn = vpn;
      pte.region = &r;
      pte.vma = r.kind != Region::Kind::invalid;
      pte.shared = r.kind == Region::Kind::shared_file;
      pte.set_obj(ex.new_object("pte[" + std::to_string(vpn) + "]"));
      if (r.kind == Region::Kind::anonymous) {
        pte.anon_obj = ex.new_object("user[" + std::to_string(vpn) + "].data");
        pte.anon.assign(geo.page_size, 0);
        for (std::uint32_t b = 0; b < geo.page_size; ++b) {
          const std::size_t at = std::size_t{k} * geo.page_size + b;
          if (at < r.content.size()) pte.anon[b] = r.content[at];
        }
        pte.present = r.present;
      } else if (r.kind == Region::Kind::shared_file) {
        pte.file_index = static_cast<std::uint32_t>(r.file_offset / geo.page_size) + k;
        if (r.present) {
          Page* page = mapping.hash[pte.file_index];
          pte.page = page;
          pte.present = true;
          ++page->count;
        }
      }
    }
  }

  kernel = make_kernel(*this);
  install_digests(*this);
}

void State::note_append(std::uint64_t pos, std::size_t reported) {
  const sim::ThreadId t = ex.current();
  if (t >= call_of_thread.size() || call_of_thread[t] >= obs.calls.size()) return;  // not a thread's call
  SyscallRecord& rec = obs.calls[call_of_thread[t]];
  if (reported == 0 && rec.relocations.empty()) {
    rec.file_offset = pos;
    return;
  }
  const std::uint64_t next = rec.relocations.empty()
                                 ? rec.file_offset + reported
                                 : rec.relocations.back().second + (reported - rec.relocations.back().first);
  if (pos != next) rec.relocations.emplace_back(reported, pos);
}

Page& State::page_cache_alloc(std::uint32_t index) {
  if (index >= slots.size()) throw std::logic_error("model bug: a page beyond geometry.pages");
  pages.push_back(std::make_unique<Page>(*slots[index], pages.size() + 1, geo.page_size));
  return *pages.back();
}

Page& State::install_cached_page(std::uint32_t index) {
  Page& page = page_cache_alloc(index);
  const Bytes& content = cfg.file.content;
  const std::uint32_t ps = geo.page_size;
  for (std::uint32_t b = 0; b < ps; ++b) {
    const std::size_t at = std::size_t{index} * ps + b;
    page.data.setup()[b] = at < content.size() ? content[at] : 0;
  }
  page.mapping = true;
  page.was_cached = true;
  page.uptodate = true;
  page.index = index;
  page.count = 1;  // the page cache's reference
  mapping.hash[index] = &page;
  ++mapping.nrpages;
  mapping.list_move(page, Page::List::clean);
  if (cfg.filesystem == Filesystem::ramfs) {
    page.dirty = index * std::uint64_t{ps} < content.size();  // SetPageDirty: the bit, not the list
  } else {
    // As block_read_full_page left it: a buffer per block, uptodate; mapped
    // when the block is allocated, a zero-filled hole otherwise.
    page.has_buffers = true;
    ++page.count;  // create_empty_buffers: page_cache_get
    page.buffers.assign(blocks_per_page, BufferHead(page.buffers_obj(), page.lock()));
    for (std::uint32_t j = 0; j < blocks_per_page; ++j) {
      BufferHead& bh = page.buffers[j];
      bh.b_page = &page;
      bh.nr = j;
      bh.lock = slots[index]->bh_lock[j].get();
      const std::uint64_t fb = std::uint64_t{index} * blocks_per_page + j;
      bh.mapped = inode.allocated[fb];
      bh.b_blocknr = fb;
      bh.uptodate = true;
    }
  }
  return page;
}

const char* operation_name(Operation::Kind k) {
  switch (k) {
    case Operation::Kind::write: return "write";
    case Operation::Kind::read: return "read";
    case Operation::Kind::pwrite: return "pwrite";
    case Operation::Kind::pread: return "pread";
    case Operation::Kind::writev: return "writev";
    case Operation::Kind::touch: return "touch";
    case Operation::Kind::munmap: return "munmap";
    case Operation::Kind::msync: return "msync";
    case Operation::Kind::fsync: return "fsync";
    case Operation::Kind::lseek: return "lseek";
    case Operation::Kind::close: return "close";
    case Operation::Kind::open: return "open";
    case Operation::Kind::ftruncate: return "ftruncate";
  }
  return "?";
}

std::string show_bytes(const Bytes& b) {
  std::string s = "\"";
  for (std::uint8_t c : b) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return s + "\"";
}

std::string State::describe() const {
  std::string d = "i_size=" + std::to_string(inode.i_size);
  for (std::uint32_t i = 0; i < mapping.hash.size(); ++i) {
    const Page* p = mapping.hash[i];
    if (!p) continue;
    d += " | " + p->name() + " ";
    d += p->locked() ? 'L' : '-';
    d += p->uptodate ? 'U' : '-';
    d += p->dirty ? 'D' : '-';
    d += p->error ? 'E' : '-';
    d += " c" + std::to_string(p->count) + " " + show_bytes(p->data.peek());
    if (p->has_buffers) {
      d += " bh:";
      for (const BufferHead& bh : p->buffers) {
        d += ' ';
        d += bh.uptodate ? 'U' : '-';
        d += bh.dirty ? 'D' : '-';
        d += bh.mapped ? 'M' : '-';
        d += bh.new_ ? 'N' : '-';
        d += bh.locked() ? 'L' : '-';
      }
    }
  }
  if (cfg.filesystem == Filesystem::ext2) {
    Bytes all;
    for (const Bytes& blk : disk.blocks) all.insert(all.end(), blk.begin(), blk.end());
    d += " | disk " + show_bytes(all);
  }
  return d;
}

}  // namespace models::pagecache
