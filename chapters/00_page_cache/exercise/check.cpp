// Checks of the chapter 00 exercise, run against solutions/00_page_cache and,
// with `exercises/check 00`, against your exercises/00_page_cache.
#include <doctest/doctest.h>

#include <sys/mman.h>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"
#include "pretend_writeback.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("a store makes exactly its page dirty") {
  MBE_HINTS(
      "cachestat(2) reports per range: mbe::probe_page_cache(fd, offset, length, state)",
      "the answer is in state.dirty; pass offset and length on unchanged (length 0 = to the end)");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 8 * page);
  CHECK(ex00::count_dirty_pages(file.fd(), 0, 0) == 0);
  file.bytes()[3 * page + 5] = std::byte{1};
  CHECK(ex00::count_dirty_pages(file.fd(), 0, 0) == 1);
  CHECK(ex00::count_dirty_pages(file.fd(), 3 * page, page) == 1);
  MBE_CATCHES(ex00::count_dirty_pages(file.fd(), 4 * page, 4 * page) == 0,
              "the count covers more than the range asked about");
}

TEST_CASE("a dirty range is not durable and msync makes it durable") {
  MBE_HINTS("durable means: no page of the range is dirty", "probe only the range you were given");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * page);
  file.bytes()[page] = std::byte{7};
  CHECK_FALSE(ex00::range_is_durable(file.fd(), 0, 0));
  CHECK(ex00::range_is_durable(file.fd(), 2 * page, 2 * page));  // the other pages are fine
  REQUIRE(::msync(file.bytes().data(), file.size(), MS_SYNC) == 0);
  CHECK(ex00::range_is_durable(file.fd(), 0, 0));
}

TEST_CASE("a page still under writeback is not durable (writeback pretended)") {
  MBE_HINTS("a page leaves the dirty count when its write starts, not when it ends",
            "cachestat also counts the pages under writeback: state.writeback");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{7};
  // Writeback lasts microseconds on this disk: the probe is made to report
  // the store's page as written but not yet on the disk.
  const mbe::testing::PretendWriteback in_flight(1);
  MBE_CATCHES(!ex00::range_is_durable(file.fd(), 0, 0),
              "a page under writeback was called durable: its write has started, not finished");
}

TEST_CASE("a descriptor the kernel cannot probe gives no answer") {
  MBE_HINTS("when the probe fails, return -1 and false",
            "\"cannot tell\" must never read as \"durable\"");
  CHECK(ex00::count_dirty_pages(-1, 0, 0) == -1);
  MBE_CATCHES(!ex00::range_is_durable(-1, 0, 0), "a failed probe was read as \"durable\"");
}
