// Checks of the chapter 02 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
#include <doctest/doctest.h>

#include "exercise.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "exercise_check.hpp"

using ex02::Call;
using ex02::Need;
using mbe::testing::ScratchDir;

TEST_CASE("each need gets the cheapest call that really provides it") {
  MBE_HINTS("which of the calls wait until the data is on the disk? (chapter 02's table)",
            "MS_ASYNC starts no I/O here, and sync_file_range waits for nothing and flushes no cache",
            "of the calls that wait: which writes only a range, which skips the timestamps?");
  MBE_CATCHES(ex02::cheapest_call_for(Need::visible_to_other_processes) == Call::nothing,
              "a call was made for visibility: other processes share the page cache already");
  MBE_CATCHES(ex02::cheapest_call_for(Need::mapped_range_on_disk) == Call::msync_ms_sync,
              "the mapped range needs msync(MS_SYNC): MS_ASYNC and sync_file_range guarantee nothing, the others write more");
  MBE_CATCHES(ex02::cheapest_call_for(Need::file_data_on_disk) == Call::fdatasync,
              "the file's data needs fdatasync: fsync also writes the timestamps, which nobody asked for");
  MBE_CATCHES(ex02::cheapest_call_for(Need::data_and_timestamps_on_disk) == Call::fsync,
              "the timestamps need fsync: fdatasync skips them");
}

TEST_CASE("providing a durability need leaves no dirty page") {
  MBE_HINTS("make the call cheapest_call_for names",
            "msync takes the range, fdatasync and fsync the descriptor");
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto page = mbe::page_size();
  for (const Need need : {Need::mapped_range_on_disk, Need::file_data_on_disk, Need::data_and_timestamps_on_disk}) {
    CAPTURE(static_cast<int>(need));
    auto file = mbe::MappedFile::create(dir.file("f" + std::to_string(static_cast<int>(need))), 4 * page);
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
  MBE_CATCHES(mbe::page_cache_state(file.fd()).dirty == 1, "visibility was bought with a write to the disk");  // nothing was written...
  CHECK(mbe::testing::read_file(file.path())[0] == 'x');  // ...and read() sees the store
}
