// Checks of the chapter 03 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exercise.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("a locked dirty range is committed") {
  MBE_HINT("msync with MS_INVALIDATE fails with EBUSY on mlock'ed pages; Linux never needs it");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * page);
  // The raw system call: AddressSanitizer's mlock() wrapper locks nothing (chapter 03).
  REQUIRE(::syscall(SYS_mlock, file.bytes().data(), file.size()) == 0);
  file.bytes()[0] = std::byte{1};
  file.bytes()[3 * page] = std::byte{1};
  CHECK_FALSE(ex03::commit_locked(file.bytes()));
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
  ::syscall(SYS_munlock, file.bytes().data(), file.size());
}

TEST_CASE("an unlocked dirty range is committed too") {
  MBE_HINT("MS_SYNC waits for the write; MS_ASYNC would return with the pages still dirty");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 2 * page);
  file.bytes()[page] = std::byte{1};
  CHECK_FALSE(ex03::commit_locked(file.bytes()));
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
}
