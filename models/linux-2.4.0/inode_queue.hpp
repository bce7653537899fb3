// fs/buffer.c remove_inode_queue / buffer_insert_inode_queue (L577) of
// Linux 2.4.0: the inode's list of dirty buffers (inode->i_dirty_buffers),
// changed inside a step under lru_list_lock. One home for buffer.cpp and
// truncate.cpp (mark_buffer_clean's refile takes a buffer off the list).
#pragma once

#include <algorithm>
#include <deque>

#include "models/pagecache/page.hpp"

namespace models::linux_2_4_0 {

inline void remove_inode_queue(pagecache::BufferHead& bh) {
  if (!bh.b_inode) return;
  auto& l = *bh.b_inode;
  l.erase(std::remove(l.begin(), l.end(), &bh), l.end());
  bh.b_inode = nullptr;
}

inline void insert_inode_queue(pagecache::BufferHead& bh, std::deque<pagecache::BufferHead*>& list) {
  remove_inode_queue(bh);
  bh.b_inode = &list;
  list.push_front(&bh);
}

}  // namespace models::linux_2_4_0
