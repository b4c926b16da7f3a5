// Chapter 02 claims: what MS_ASYNC, MS_SYNC, fsync, fdatasync and
// sync_file_range do to dirty and writeback page counts, on this kernel.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "msync/device_writes.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"
#include "tiny_filesystem.hpp"

using mbe::testing::ScratchDir;

namespace {
constexpr std::uint64_t pages = 256;  // 1 MiB

mbe::MappedFile file_with_dirty_pages(const ScratchDir& dir, const char* name = "f") {
  auto file = mbe::MappedFile::create(dir.file(name), pages * mbe::page_size());
  for (std::uint64_t i = 0; i < pages; ++i) file.bytes()[i * mbe::page_size()] = std::byte{1};
  REQUIRE(mbe::page_cache_state(file.fd()).dirty == pages);
  return file;
}

bool clean(const mbe::MappedFile& file) {
  const auto state = mbe::page_cache_state(file.fd());
  return state.dirty == 0 && state.writeback == 0;
}
}  // namespace

TEST_CASE("msync MS_ASYNC starts no writeback at all") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = file_with_dirty_pages(dir);
  REQUIRE(::msync(file.bytes().data(), file.size(), MS_ASYNC) == 0);
  const auto right_after = mbe::page_cache_state(file.fd());
  CHECK(right_after.dirty == pages);
  CHECK(right_after.writeback == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing was scheduled either
  CHECK(mbe::page_cache_state(file.fd()).dirty == pages);
}

TEST_CASE("msync with flags 0 is accepted and does nothing") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = file_with_dirty_pages(dir);
  CHECK(::msync(file.bytes().data(), file.size(), 0) == 0);
  CHECK(mbe::page_cache_state(file.fd()).dirty == pages);
}

TEST_CASE("msync MS_SYNC together with MS_ASYNC is EINVAL") {
  ScratchDir dir;
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  errno = 0;
  CHECK(::msync(file.bytes().data(), file.size(), MS_SYNC | MS_ASYNC) == -1);
  CHECK(errno == EINVAL);
}

TEST_CASE("msync with an unknown flag bit is EINVAL") {
  ScratchDir dir;
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  constexpr int unknown_bit = 8;  // MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4
  errno = 0;
  CHECK(::msync(file.bytes().data(), file.size(), MS_SYNC | unknown_bit) == -1);
  CHECK(errno == EINVAL);
}

TEST_CASE("msync MS_SYNC fsync and fdatasync each leave nothing dirty or in writeback") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto a = file_with_dirty_pages(dir, "a");
  auto b = file_with_dirty_pages(dir, "b");
  auto c = file_with_dirty_pages(dir, "c");
  REQUIRE(::msync(a.bytes().data(), a.size(), MS_SYNC) == 0);
  REQUIRE(::fsync(b.fd()) == 0);
  REQUIRE(::fdatasync(c.fd()) == 0);
  CHECK(clean(a));
  CHECK(clean(b));
  CHECK(clean(c));
}

// The table's other columns — the cache flush, and the metadata fsync writes
// and fdatasync skips — on journaled ext4 (mkfs.ext4's default), on a loop
// device of the test's own so that its counters are only this test's. Without
// a journal, or on another filesystem, the numbers differ (chapter 10).
TEST_CASE(
    "on journaled ext4 each durable call sends a cache flush and only fsync writes the mtime") {
  ScratchDir dir;
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 64, .journal = true, .backing_mib = 80);
  auto file = mbe::MappedFile::create(disk->root() / "f", 4 * mbe::page_size());
  // The first write of a page also allocates its block (metadata a datasync
  // must commit too): store and fsync once before counting.
  file.bytes()[0] = std::byte{1};
  REQUIRE(::fsync(file.fd()) == 0);
  struct Cost {
    std::uint64_t bytes = 0, flushes = 0;
  };
  // One store, a pause so that the clock moves on (the store's write fault
  // updates mtime), then the call: what did the device receive?
  const auto cost_of = [&](auto&& call) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    file.bytes()[0] = static_cast<std::byte>(static_cast<unsigned char>(file.bytes()[0]) + 1);
    const auto sectors = mbe::sectors_written(file.fd()).value_or(0);
    const auto flushes = mbe::flushes_sent(file.fd()).value_or(0);
    REQUIRE(call() == 0);
    CHECK(clean(file));
    return Cost{(mbe::sectors_written(file.fd()).value_or(0) - sectors) * mbe::sector_bytes,
                mbe::flushes_sent(file.fd()).value_or(0) - flushes};
  };
  REQUIRE(mbe::flushes_sent(file.fd()).has_value());
  const auto by_msync = cost_of([&] { return ::msync(file.bytes().data(), file.size(), MS_SYNC); });
  const auto by_fdatasync = cost_of([&] { return ::fdatasync(file.fd()); });
  const auto by_fsync = cost_of([&] { return ::fsync(file.fd()); });
  INFO("MS_SYNC ", by_msync.bytes, " B ", by_msync.flushes, " flushes; fdatasync ",
       by_fdatasync.bytes, " B ", by_fdatasync.flushes, " flushes; fsync ", by_fsync.bytes, " B ",
       by_fsync.flushes, " flushes");
  // Each one flushes the device's cache ...
  CHECK(by_msync.flushes >= 1);
  CHECK(by_fdatasync.flushes >= 1);
  CHECK(by_fsync.flushes >= 1);
  // ... each writes the page ...
  CHECK(by_msync.bytes >= 4096);
  CHECK(by_fdatasync.bytes >= 4096);
  // ... and only fsync commits the mtime change to the journal: more bytes,
  // more flushes (measured: 4 KiB and 1 flush against 7 KiB and 2).
  CHECK(by_fsync.bytes > by_fdatasync.bytes);
  CHECK(by_fsync.flushes > by_fdatasync.flushes);
  CHECK(by_msync.bytes == by_fdatasync.bytes);  // MS_SYNC is a datasync of its range
}

TEST_CASE("sync_file_range WRITE leaves no dirty page and the writeback completes on its own") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = file_with_dirty_pages(dir);
  REQUIRE(::sync_file_range(file.fd(), 0, 0, SYNC_FILE_RANGE_WRITE) == 0);
  // Every dirty page was handed to the block layer; some may still be in flight.
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
  for (int i = 0; i < 500 && mbe::page_cache_state(file.fd()).writeback > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(clean(file));  // the I/O completes on its own
}

TEST_CASE("the three durable ways end in the same state") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto a = file_with_dirty_pages(dir, "a");
  auto b = file_with_dirty_pages(dir, "b");
  auto c = file_with_dirty_pages(dir, "c");
  REQUIRE(::msync(a.bytes().data(), a.size(), MS_SYNC) == 0);
  REQUIRE(::msync(b.bytes().data(), b.size(), MS_ASYNC) == 0);
  REQUIRE(::fsync(b.fd()) == 0);
  REQUIRE(::msync(c.bytes().data(), c.size(), MS_ASYNC) == 0);
  REQUIRE(::fdatasync(c.fd()) == 0);
  for (const auto* file : {&a, &b, &c}) {
    CHECK(clean(*file));
    CHECK(mbe::testing::read_file(file->path()) == mbe::testing::read_file(a.path()));
  }
}

TEST_CASE("fsync through an O_RDONLY descriptor in another process cleans the mapping") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  for (const char* mode : {"fsync", "fdatasync"}) {
    CAPTURE(mode);
    auto file = file_with_dirty_pages(dir, mode);
    std::vector<std::string> args{MBE_PROGRAM_FSYNC_READONLY, file.path().string()};
    if (std::string_view(mode) == "fdatasync") args.emplace_back("--data-only");
    const auto run = mbe::testing::run_program(args);
    REQUIRE(run.exited_with(0));
    CHECK(run.out.find("dirty pages 256 -> 0") != std::string::npos);
    CHECK(clean(file));
  }
}
