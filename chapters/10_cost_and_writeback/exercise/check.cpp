// Checks of the chapter 10 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "dirty_memory_watch.hpp"
#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "pretend_writeback.hpp"

using mbe::testing::as_error;
using mbe::testing::ScratchDir;
using std::chrono::milliseconds;

TEST_CASE("a file with nothing dirty is clean at once") {
  MBE_HINTS("a clean file must not wait at all", "probe before the first sleep");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  REQUIRE_FALSE(file.sync_all());
  milliseconds waited{-1};
  CHECK_FALSE(ex10::wait_until_clean(file.fd(), milliseconds(5000), waited));
  CHECK(waited.count() >= 0);
  MBE_CATCHES(waited < milliseconds(100), "the wait slept before its first probe");
}

TEST_CASE("the wait gives up after its timeout and writes nothing") {
  MBE_HINTS("waiting must not write anything: no msync, no fsync",
            "compare the time spent with the timeout on every turn; return std::errc::timed_out");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  milliseconds waited{0};
  CHECK(ex10::wait_until_clean(file.fd(), milliseconds(300), waited) ==
        as_error(std::errc::timed_out));
  CHECK(waited >= milliseconds(300));
  CHECK(waited < milliseconds(1500));
  MBE_CATCHES(mbe::page_cache_state(file.fd()).dirty == 1,
              "the wait synced the file itself");  // waiting must not sync
}

TEST_CASE("a probe failure is reported and not waited out") {
  MBE_HINTS("a probe that fails will fail again: do not wait it out",
            "return the probe's error code at once");
  milliseconds waited{0};
  CHECK(ex10::wait_until_clean(-1, milliseconds(2000), waited) ==
        as_error(std::errc::bad_file_descriptor));
  CHECK(waited < milliseconds(500));
}

TEST_CASE("a page still under writeback is waited for (writeback pretended)") {
  MBE_HINTS("a page leaves the dirty count when its write starts, not when it ends",
            "clean means no dirty page and none under writeback: state.writeback");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  REQUIRE_FALSE(file.sync_all());
  // Writeback lasts microseconds on this disk: the probe reports the page as
  // written but not yet on the disk for its first three answers.
  const mbe::testing::PretendWriteback in_flight(3);
  milliseconds waited{0};
  CHECK_FALSE(ex10::wait_until_clean(file.fd(), milliseconds(5000), waited));
  MBE_CATCHES(in_flight.probes_seen() >= 4,
              "the wait ended while a page was still under writeback");
}

TEST_CASE("a page nobody syncs becomes clean by the kernel's writeback alone") {
  MBE_HINTS("keep polling until the kernel has written the file back",
            "the flusher writes a file back once it has been dirty for vm.dirty_expire_centisecs "
            "(about 30 s)");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  long interval = 0;
  std::ifstream("/proc/sys/vm/dirty_writeback_centisecs") >> interval;
  long expire = 0;
  std::ifstream("/proc/sys/vm/dirty_expire_centisecs") >> expire;
  if (interval <= 0 || expire > 4000)
    MBE_SKIP("needs periodic writeback with an expiry of at most 40 s");
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  mbe::testing::DirtyMemoryWatch watch;  // a busy system gets written back early
  file.bytes()[0] = std::byte{1};
  milliseconds waited{0};
  // Expiry + two flusher intervals: one missed flusher pass is allowed for (as
  // in the chapter's tests); a right answer returns as soon as the page is clean.
  const auto error = ex10::wait_until_clean(
      file.fd(), milliseconds((expire + 2 * interval) * 10 + 20'000), waited);
  if (const auto why_void = watch.why_the_wait_was_void(); !why_void.empty()) MBE_SKIP(why_void);
  CHECK_FALSE(error);
  CHECK(waited >= milliseconds(expire * 10 - 500));  // not before the expiry: nobody synced
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
}
