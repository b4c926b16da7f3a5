// Checks of the chapter 02 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

using ex02::Call;
using ex02::Need;
using mbe::testing::ScratchDir;

namespace {
std::string name_of(Call call) {
  switch (call) {
    case Call::nothing:
      return "no call";
    case Call::msync_ms_async:
      return "msync(MS_ASYNC)";
    case Call::msync_ms_sync:
      return "msync(MS_SYNC)";
    case Call::fdatasync:
      return "fdatasync";
    case Call::fsync:
      return "fsync";
    case Call::sync_file_range:
      return "sync_file_range";
  }
  return "an unknown call";
}
std::string name_of(Need need) {
  switch (need) {
    case Need::visible_to_other_processes:
      return "visibility";
    case Need::mapped_range_on_disk:
      return "the mapped range on disk";
    case Need::file_data_on_disk:
      return "the file's data on disk";
    case Need::data_and_timestamps_on_disk:
      return "data and timestamps on disk";
  }
  return "an unknown need";
}
// Why @p chosen is not the cheapest call giving @p need: the mistake, not the answer.
std::string what_is_wrong(Call chosen, Need need) {
  if (need == Need::visible_to_other_processes)
    return "it writes to the disk, which no reader of the file needs";
  switch (chosen) {
    case Call::nothing:
      return "nothing makes the data reach the disk";
    case Call::msync_ms_async:
      return "it starts no I/O on Linux and waits for nothing";
    case Call::sync_file_range:
      return "it waits for nothing and flushes no disk cache: no guarantee";
    case Call::msync_ms_sync:
      return "it writes the mapped range only";
    case Call::fdatasync:
      return need == Need::mapped_range_on_disk
                 ? "it writes all the file's data, more than the range"
                 : "it skips the timestamps";
    case Call::fsync:
      return "it also writes metadata nobody asked for";
  }
  return "it is not a call this exercise knows";
}
}  // namespace

TEST_CASE("each need gets the cheapest call that really provides it") {
  MBE_HINTS(
      "which of the calls wait until the data is on the disk? (chapter 02's table)",
      "MS_ASYNC starts no I/O here, and sync_file_range waits for nothing and flushes no cache",
      "of the calls that wait: which writes only a range, which skips the timestamps?");
  for (const auto& expected : {std::pair{Need::visible_to_other_processes, Call::nothing},
                               std::pair{Need::mapped_range_on_disk, Call::msync_ms_sync},
                               std::pair{Need::file_data_on_disk, Call::fdatasync},
                               std::pair{Need::data_and_timestamps_on_disk, Call::fsync}}) {
    const Need need = expected.first;  // not a structured binding: clang 14 cannot capture one
    const Call cheapest = expected.second;
    const Call chosen = ex02::cheapest_call_for(need);
    MBE_CATCHES(chosen == cheapest, name_of(chosen) << " was chosen for " << name_of(need) << ": "
                                                    << what_is_wrong(chosen, need));
  }
}

TEST_CASE("providing a durability need leaves no dirty page") {
  MBE_HINTS("make the call cheapest_call_for names",
            "msync takes the range, fdatasync and fsync the descriptor");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  for (const Need need :
       {Need::mapped_range_on_disk, Need::file_data_on_disk, Need::data_and_timestamps_on_disk}) {
    CAPTURE(static_cast<int>(need));
    auto file =
        mbe::MappedFile::create(dir.file("f" + std::to_string(static_cast<int>(need))), 4 * page);
    for (std::size_t i = 0; i < 4; ++i) file.bytes()[i * page] = std::byte{1};
    CHECK_FALSE(ex02::provide(need, file.fd(), file.bytes()));
    CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
  }
}

TEST_CASE("visibility needs no call at all") {
  MBE_HINTS("what do other processes read: the disk or the page cache?",
            "they share the page-cache pages: nothing needs to be written for them to see a store");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  file.bytes()[0] = std::byte{'x'};
  CHECK_FALSE(ex02::provide(Need::visible_to_other_processes, file.fd(), file.bytes()));
  MBE_CATCHES(mbe::page_cache_state(file.fd()).dirty == 1,
              "visibility was bought with a write to the disk");  // nothing was written...
  CHECK(mbe::testing::read_file(file.path())[0] == 'x');          // ...and read() sees the store
}
