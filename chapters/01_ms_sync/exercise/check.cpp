// Checks of the chapter 01 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "filesystem.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

using mbe::testing::as_error;
using mbe::testing::ScratchDir;

TEST_CASE("a committed range has no dirty page left") {
  MBE_HINTS("which msync flag writes the dirty pages of its range and waits for them?",
            "MS_ASYNC starts no I/O on Linux: only MS_SYNC leaves the range clean");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * page);
  file.bytes()[0] = std::byte{1};
  file.bytes()[page] = std::byte{1};
  CHECK_FALSE(ex01::commit_range(file.bytes(), 0, 2 * page));
  MBE_CATCHES(mbe::page_cache_state(file.fd()).dirty == 0,
              "the range is still dirty: msync without MS_SYNC writes nothing");
}

TEST_CASE("an unaligned offset is committed and not refused") {
  MBE_HINTS("msync refuses some start addresses with EINVAL: which ones?",
            "round the start down to its page - and make the length cover what the rounding moved");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  MBE_REQUIRE_VISIBLE_RANGE_SYNC(dir.path());  // btrfs syncs the whole file: nothing to see
  const auto page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * page);
  file.bytes()[page + 100] = std::byte{1};
  file.bytes()[2 * page + 10] = std::byte{1};  // the range crosses into the next page
  MBE_CATCHES(ex01::commit_range(file.bytes(), page + 100, page) == std::error_code{},
              "msync was called with a start address that is not page-aligned");
  MBE_CATCHES(mbe::page_cache_state(file.fd()).dirty == 0,
              "the start was rounded down but the length was not extended: the range's last page "
              "stays dirty");
}

TEST_CASE("a range outside the mapping is refused with EINVAL") {
  MBE_HINTS("check offset and length against the mapping's size before calling msync",
            "offset + length can overflow: compare length with size - offset instead");
  ScratchDir dir;
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  const auto size = file.size();
  CHECK(ex01::commit_range(file.bytes(), size, 1) == as_error(std::errc::invalid_argument));
  CHECK(ex01::commit_range(file.bytes(), 1, size) == as_error(std::errc::invalid_argument));
  MBE_CATCHES(
      ex01::commit_range(file.bytes(), 8, SIZE_MAX) == as_error(std::errc::invalid_argument),
      "offset + length overflowed and the range passed the bounds check");
  CHECK_FALSE(ex01::commit_range(file.bytes(), size, 0));  // empty, at the end: fine
}
