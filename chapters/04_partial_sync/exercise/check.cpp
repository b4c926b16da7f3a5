// Checks of the chapter 04 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <vector>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "filesystem.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

using mbe::testing::ScratchDir;

namespace {
constexpr std::size_t record_size = 60;  // the classic tutorial's records: never page-aligned

// Stores into each changed record and returns how many pages are dirty afterwards.
std::uint64_t change_and_sync(mbe::MappedFile& file, const std::vector<std::size_t>& changed,
                              ex04::SyncResult& result) {
  for (const auto index : changed)
    for (std::size_t byte = 0; byte < record_size; ++byte)
      file.bytes()[index * record_size + byte] = std::byte{1};
  result = ex04::sync_changed_records(file.bytes(), record_size, changed);
  return mbe::page_cache_state(file.fd()).dirty;
}
}  // namespace

TEST_CASE("unaligned records are synced without EINVAL and left clean") {
  MBE_HINTS("msync refuses a start address that is not a multiple of the page size",
            "round each record's start down to its page");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 64 * mbe::page_size());
  ex04::SyncResult result;
  CHECK(change_and_sync(file, {1, 500, 3000}, result) == 0);
  MBE_CATCHES(result.error == std::error_code{},
              "msync(&record, sizeof record) with a record that does not start a page: EINVAL");
}

TEST_CASE("a record that straddles two pages is synced whole") {
  MBE_HINTS("where is a record's last byte?",
            "a record's last byte can be on the next page: the run must end after the page of its "
            "last byte");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  MBE_REQUIRE_VISIBLE_RANGE_SYNC(dir.path());  // btrfs syncs the whole file: nothing to see
  auto file = mbe::MappedFile::create(dir.file("f"), 8 * mbe::page_size());
  const std::size_t straddling =
      mbe::page_size() / record_size;  // 68: bytes 4080..4139 with 4 KiB pages
  ex04::SyncResult result;
  MBE_CATCHES(change_and_sync(file, {straddling}, result) == 0,
              "the second page of a record that straddles two pages was left dirty");
  CHECK(result.calls == 1);
}

TEST_CASE("records on adjacent pages share one msync call") {
  MBE_HINTS(
      "one msync per run of adjacent pages: records on the same or the next page join the current "
      "run",
      "keep the current run's first and end page; flush it when the next record starts after a "
      "gap");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t per_page = mbe::page_size() / record_size;
  auto file = mbe::MappedFile::create(dir.file("f"), 64 * mbe::page_size());
  ex04::SyncResult result;
  // Pages 0 and 1 (one run), then page 10 twice (one run), then page 39: three calls.
  CHECK(change_and_sync(
            file, {0, 2, per_page + 1, 10 * per_page + 3, 10 * per_page + 4, 40 * per_page + 2},
            result) == 0);
  MBE_CATCHES(result.calls == 3,
              "records on adjacent pages were not merged into one msync call (or unchanged pages "
              "were synced too)");
  CHECK_FALSE(result.error);
}
