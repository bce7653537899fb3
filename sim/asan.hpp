// Whether this translation unit is built with AddressSanitizer, under either
// compiler: g++ says so with __SANITIZE_ADDRESS__, clang (14) only through
// __has_feature. The fiber switches tell ASan of every stack change
// (sim/execution.cpp, sim/stack_pool.cpp) only when INTERLEAVE_ASAN is set.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define INTERLEAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERLEAVE_ASAN 1
#endif
#endif
