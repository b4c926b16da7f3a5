// Checks of the chapter 03 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("a locked dirty range is committed") {
  MBE_HINTS("which msync flag fails on mlock'ed pages? (chapter 03)",
            "MS_INVALIDATE fails with EBUSY on locked pages, and Linux never needs it");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * page);
  // The raw system call: AddressSanitizer's mlock() wrapper locks nothing (chapter 03).
  REQUIRE(::syscall(SYS_mlock, file.bytes().data(), file.size()) == 0);
  file.bytes()[0] = std::byte{1};
  file.bytes()[3 * page] = std::byte{1};
  MBE_CATCHES(ex03::commit_locked(file.bytes()) == std::error_code{},
              "MS_INVALIDATE \"to be safe\" fails with EBUSY on locked pages");
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
  ::syscall(SYS_munlock, file.bytes().data(), file.size());
}

TEST_CASE("an unlocked dirty range is committed too") {
  MBE_HINTS("after the call the pages must be written: which flag waits for that?",
            "MS_ASYNC returns with the pages still dirty");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 2 * page);
  file.bytes()[page] = std::byte{1};
  CHECK_FALSE(ex03::commit_locked(file.bytes()));
  MBE_CATCHES(mbe::page_cache_state(file.fd()).dirty == 0,
              "the range is still dirty: MS_ASYNC writes nothing on Linux");
}
