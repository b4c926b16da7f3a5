// Checks of the chapter 00 exercise, run against solutions/00_page_cache and,
// with `ctest --preset exercises`, against your exercises/00_page_cache.
#include <doctest/doctest.h>

#include <sys/mman.h>

#include "exercise.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("a store makes exactly its page dirty") {
  MBE_HINT("cachestat reports per range: mbe::probe_page_cache(fd, offset, length, state) fills state.dirty");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 8 * page);
  CHECK(ex00::count_dirty_pages(file.fd(), 0, 0) == 0);
  file.bytes()[3 * page + 5] = std::byte{1};
  CHECK(ex00::count_dirty_pages(file.fd(), 0, 0) == 1);
  CHECK(ex00::count_dirty_pages(file.fd(), 3 * page, page) == 1);
  CHECK(ex00::count_dirty_pages(file.fd(), 4 * page, 4 * page) == 0);  // only the range asked about
}

TEST_CASE("a dirty range is not durable and msync makes it durable") {
  MBE_HINT("durable = no dirty page and no page under writeback in the range");
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

TEST_CASE("a descriptor the kernel cannot probe gives no answer") {
  MBE_HINT("when the probe fails, return -1 and false: \"cannot tell\" must never read as \"durable\"");
  CHECK(ex00::count_dirty_pages(-1, 0, 0) == -1);
  CHECK_FALSE(ex00::range_is_durable(-1, 0, 0));
}
