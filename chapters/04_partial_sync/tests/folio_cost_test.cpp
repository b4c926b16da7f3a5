// Chapter 04 claims about cost: folio write amplification, and that cost
// follows dirty data, not mapping size.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "filesystem.hpp"
#include "msync/device_writes.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

TEST_CASE("a 1-byte store dirties a whole large folio in a file filled by 1 MiB writes") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  const auto large_folios = mbe::testing::has_large_folios(filesystem);
  if (!large_folios) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  const auto path = dir.file("f");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  const std::vector<char> chunk(1 << 20, 'w');
  for (off_t at = 0; at < (8 << 20); at += 1 << 20)
    REQUIRE(::pwrite(fd, chunk.data(), chunk.size(), at) == static_cast<ssize_t>(chunk.size()));
  REQUIRE(::fsync(fd) == 0);
  ::close(fd);

  auto file = mbe::MappedFile::open(path);
  file.bytes()[3 << 20] = std::byte{'x'};  // one byte
  const std::uint64_t dirtied = mbe::page_cache_state(file.fd()).dirty;
  mbe::testing::observe("pages dirtied by one byte", dirtied);
  // ext4 (6.16+), xfs: a large folio — 256 pages (1 MiB) when memory allows,
  // a power of two either way; btrfs: the one page.
  if (*large_folios) {
    CHECK(dirtied > 1);
    CHECK(dirtied <= 256);
    CHECK((dirtied & (dirtied - 1)) == 0);
  } else {
    CHECK(dirtied == 1);
  }
  const auto before = mbe::sectors_written(file.fd());
  REQUIRE_FALSE(file.sync(3 << 20, 1));
  const auto after = mbe::sectors_written(file.fd());
  if (!before || !after) MBE_SKIP("no block-device counter for " + dir.path().string());
  // The counter is device-wide: others' writes can only make the difference
  // larger, so this bound holds on a busy device too. (Chapter 10's benchmark
  // shows the exact figure on a quiet one.)
  CHECK((*after - *before) * mbe::sector_bytes >= dirtied * mbe::page_size());
}

TEST_CASE("a 1-byte store dirties one page in a file filled by single-page faults") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  for (const bool random_access : {true, false}) {
    CAPTURE(random_access);
    auto file = mbe::MappedFile::create(dir.file(random_access ? "random" : "sequential"),
                                        std::size_t{8} << 20);
    // MADV_RANDOM: no fault-time readahead, so each fault brings one page in
    // a folio of its own. Without it, readahead after the first read-around
    // brings larger folios (order +2 each time), as many pages as the
    // device's read_ahead_kb allows: observed, not asserted (it is a property
    // of the device's readahead setting, not of the filesystem).
    if (random_access) REQUIRE(::madvise(file.bytes().data(), file.size(), MADV_RANDOM) == 0);
    for (std::size_t at = 0; at < file.size(); at += mbe::page_size())
      file.bytes()[at] = std::byte{1};
    REQUIRE_FALSE(file.sync_all());
    file.bytes()[3 << 20] = std::byte{'x'};
    const std::uint64_t dirty = mbe::page_cache_state(file.fd()).dirty;
    mbe::testing::observe(random_access ? "dirtied with MADV_RANDOM" : "dirtied with readahead",
                          dirty);
    if (random_access) CHECK(dirty == 1);
  }
}

TEST_CASE("folio_amplification prints the three fills") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto run =
      run_program({MBE_PROGRAM_FOLIO_AMPLIFICATION, dir.path().string(), "--tries", "1"});
  REQUIRE(run.exited_with(0));
  for (const char* fill : {"1 MiB write()s", "4 KiB write()s", "mapped stores"})
    CHECK(run.out.find(fill) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("ch04_folio_amplification.tmp")));
}

TEST_CASE("one dirty page is one dirty page whatever the mapping size") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  for (std::size_t size : {std::size_t{4} << 10, std::size_t{64} << 20, std::size_t{1} << 30}) {
    CAPTURE(size);
    auto file = mbe::MappedFile::create(dir.file("f" + std::to_string(size)), size);
    file.bytes()[0] = std::byte{1};
    CHECK(mbe::page_cache_state(file.fd()).dirty == 1);  // what msync has to write
    REQUIRE_FALSE(file.sync_all());
    CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
  }
}

TEST_CASE("mapping_size_cost times every size from 4 KiB to 1 GiB") {
  ScratchDir dir;
  const auto run =
      run_program({MBE_PROGRAM_MAPPING_SIZE_COST, dir.path().string(), "--rounds", "2"});
  REQUIRE(run.exited_with(0));
  for (const char* size : {"4 KiB", "1 MiB", "64 MiB", "1 GiB"})
    CHECK(run.out.find(size) != std::string::npos);
}
