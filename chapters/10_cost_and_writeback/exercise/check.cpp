// Checks of the chapter 10 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "exercise.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;
using std::chrono::milliseconds;

TEST_CASE("a file with nothing dirty is clean at once") {
  MBE_HINT("probe before the first sleep: a clean file must not wait at all");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  REQUIRE_FALSE(file.sync_all());
  milliseconds waited{-1};
  CHECK_FALSE(ex10::wait_until_clean(file.fd(), milliseconds(5000), waited));
  CHECK(waited.count() >= 0);
  CHECK(waited < milliseconds(100));
}

TEST_CASE("the wait gives up after its timeout and writes nothing") {
  MBE_HINT("compare the time spent with the timeout on every turn; return std::errc::timed_out");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  milliseconds waited{0};
  CHECK(ex10::wait_until_clean(file.fd(), milliseconds(300), waited) == std::errc::timed_out);
  CHECK(waited >= milliseconds(300));
  CHECK(waited < milliseconds(1500));
  CHECK(mbe::page_cache_state(file.fd()).dirty == 1);  // waiting must not sync
}

TEST_CASE("a probe failure is reported and not waited out") {
  MBE_HINT("return the probe's error code at once");
  milliseconds waited{0};
  CHECK(ex10::wait_until_clean(-1, milliseconds(2000), waited) == std::errc::bad_file_descriptor);
  CHECK(waited < milliseconds(500));
}

TEST_CASE("a page nobody syncs becomes clean by the kernel's writeback alone") {
  MBE_HINT("keep polling - the flusher writes a file back once it has been dirty for vm.dirty_expire_centisecs");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  long interval = 0;
  std::ifstream("/proc/sys/vm/dirty_writeback_centisecs") >> interval;
  long expire = 0;
  std::ifstream("/proc/sys/vm/dirty_expire_centisecs") >> expire;
  if (interval <= 0 || expire > 4000) MBE_SKIP("needs periodic writeback with an expiry of at most 40 s");
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  milliseconds waited{0};
  CHECK_FALSE(ex10::wait_until_clean(file.fd(), milliseconds((expire + interval) * 10 + 10'000), waited));
  CHECK(waited >= milliseconds(expire * 10 - 500));  // not before the expiry: nobody synced
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
}
