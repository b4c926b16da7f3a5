// Chapter 08: catching SIGBUS, and how the obvious guard breaks.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <string>

#include "../sigbus_guard.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

TEST_CASE("the careful SIGBUS guard turns a read past the end of file into no value") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_GUARDED_READ, dir.file("f").string(), "--guard", "careful"});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "first page: read 1"));
  CHECK(contains(run.out, "second page: SIGBUS caught - the page is past the end of file"));
}

TEST_CASE("the naive SIGBUS guard compiled with -O2 lets SIGBUS kill the process") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_GUARDED_READ, dir.file("f").string(), "--guard", "naive"});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "first page: read 1"));  // it works while nothing faults
  CHECK_FALSE(contains(run.out, "second page"));
}

TEST_CASE("the careful handler does not swallow a SIGBUS outside a guarded read") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_GUARDED_READ, dir.file("f").string(), "--guard", "none"});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "second page, unguarded ..."));
}

TEST_CASE("the careful guard catches every fault and not only the first") {
  ScratchDir dir;
  const auto path = dir.file("f");
  const auto child = mbe::testing::run_in_child([&] {
    auto file = mbe::MappedFile::create(path, 2 * mbe::page_size());
    file.object<std::uint64_t>(0) = 7;
    if (::ftruncate(file.fd(), static_cast<off_t>(mbe::page_size())) != 0) return 2;
    ch08::install_careful_guard();
    const auto* past_end = &file.object<std::uint64_t>(mbe::page_size());
    int caught = 0;
    for (int i = 0; i < 100; ++i) caught += ch08::read_guarded(past_end).has_value() ? 0 : 1;
    const bool inside_ok = ch08::read_guarded(&file.object<std::uint64_t>(0)) == 7u;
    return caught == 100 && inside_ok ? 0 : 3;  // sigsetjmp(…, 1) unblocks SIGBUS each time
  });
  CHECK(child.exited_with(0));
}
