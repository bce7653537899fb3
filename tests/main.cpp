// doctest's runner, compiled once and linked into every test executable
// (interleave_test in tests/CMakeLists.txt): its implementation is the
// slowest part of doctest to compile.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
