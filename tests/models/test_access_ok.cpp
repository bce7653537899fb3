// access_ok and the user copies at kernel addresses (models/pagecache/uaccess.hpp):
// every expectation is what the cited kernel code does.
#include <doctest/doctest.h>

#include <algorithm>

#include "models/linux-6-ext4/kernel.hpp"
#include "models/pagecache/uaccess.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::access_ok;
using models::pagecache::Bytes;
using models::pagecache::KernelBuf;
using models::pagecache::kI386TaskSize;
using models::pagecache::kX86_64TaskSizeMax;

TEST_CASE("access_ok: the whole buffer below the variant's TASK_SIZE, with no wrap") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  Bench i386(cfg);  // linux-2.4.0: i386's TASK_SIZE = PAGE_OFFSET
  CHECK(i386.s->kernel->task_size() == 0xC0000000ull);
  CHECK(access_ok(*i386.s, kI386TaskSize - 4, 4));
  CHECK_FALSE(access_ok(*i386.s, kI386TaskSize - 4, 5));  // straddles: refused whole
  CHECK_FALSE(access_ok(*i386.s, kI386TaskSize, 1));
  CHECK_FALSE(access_ok(*i386.s, ~std::uint64_t{0}, 2));  // __range_ok's carry
  CHECK(access_ok(*i386.s, 0, 4));

  // linux-6-*: x86-64's TASK_SIZE_MAX (4-level paging); 0xc0000000 is user memory there.
  sim::StackPool pool;
  sim::Execution ex{pool};
  models::pagecache::State x86_64(ex, cfg, models::linux_6_ext4::make_kernel);
  CHECK(x86_64.kernel->task_size() == 0x00007ffffffff000ull);
  CHECK(access_ok(x86_64, kI386TaskSize, 4));
  CHECK(access_ok(x86_64, kX86_64TaskSizeMax - 4, 4));
  CHECK_FALSE(access_ok(x86_64, kX86_64TaskSizeMax - 4, 5));
  CHECK_FALSE(access_ok(x86_64, 0xffff800000000000ull, 1));
}

TEST_CASE("copy_from_user from a kernel address copies nothing and, in 2.4.0, zeroes nothing") {
  // arch/i386/lib/usercopy.c L51 __generic_copy_from_user: "if (access_ok(...))
  // __copy_user_zeroing(to,from,n); return n;" -- no memset in 2.4.0.
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.regions = {anon_region("top", kI386TaskSize - 4, 4, "ABCD")};
  Bench b(cfg);
  Bytes buf(4, 0xCC), copied;
  std::uint32_t kernel_left = 0, straddle_left = 0;
  const sim::ThreadId t = b.spawn("T", [&] {
    kernel_left = models::pagecache::copy_from_user(*b.s, KernelBuf{buf.data()}, 0xffff800000000000ull, 4, &copied);
    // Two user bytes, two kernel ones: refused whole, the user bytes too.
    straddle_left = models::pagecache::copy_from_user(*b.s, KernelBuf{buf.data()}, kI386TaskSize - 2, 4, &copied);
  });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(kernel_left == 4);
  CHECK(straddle_left == 4);
  CHECK(buf == Bytes(4, 0xCC));
  CHECK(copied.empty());
  const auto ops = b.ops_of(t);
  CHECK(std::count(ops.begin(), ops.end(), "copy_from_user: access_ok fails") == 2);
  CHECK(std::find(ops.begin(), ops.end(), "do_page_fault: down(mmap_sem)") == ops.end());  // no fault taken
}

TEST_CASE("__get_user at a kernel address loads the kernel's byte: no access_ok, no fault, no mmap_sem") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  Bench b(cfg);
  std::uint8_t x = 0xCC;
  int r = 99;
  const sim::ThreadId t = b.spawn("T", [&] { r = models::pagecache::__get_user(*b.s, 0xffff800000000000ull, x); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(r == 0);
  CHECK(x == 0);
  CHECK(b.ops_of(t) == std::vector<std::string>{"__get_user (kernel address)"});
}

TEST_CASE("a copy with no access_ok of its own at a kernel address is a model bug, not a fault") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  Bench b(cfg);
  Bytes buf(4, 'x');
  b.spawn("T", [&] { (void)models::pagecache::__copy_to_user(*b.s, kI386TaskSize - 2, KernelBuf{buf.data()}, 4); });
  const sim::Verdict& v = b.run();
  CHECK(v.kind == sim::Verdict::Kind::internal_error);
  CHECK(v.message.find("__copy_to_user at a kernel address without access_ok") != std::string::npos);
}
