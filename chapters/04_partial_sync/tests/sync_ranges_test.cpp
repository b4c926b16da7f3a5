// Chapter 04 claims about ranges: msync's argument rules, the per-record bug
// and its fix, and that only the range's pages are cleaned.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "filesystem.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
std::uint64_t dirty_in_page(const mbe::MappedFile& file, std::size_t page_index) {
  return mbe::page_cache_state(file.fd(), page_index * mbe::page_size(), mbe::page_size()).dirty;
}

// 1 when a page outside a synced range stays dirty, 0 where the filesystem
// syncs the whole file whatever the range (btrfs); nothing when not measured.
std::optional<std::uint64_t> dirty_left_outside(const ScratchDir& dir) {
  const auto whole_file =
      mbe::testing::range_sync_covers_whole_file(mbe::testing::filesystem_of(dir.path()));
  if (!whole_file) return std::nullopt;
  return *whole_file ? 0U : 1U;
}
}  // namespace

TEST_CASE("msync with an unaligned start address is EINVAL") {
  ScratchDir dir;
  auto file = mbe::MappedFile::create(dir.file("f"), 2 * mbe::page_size());
  for (std::size_t offset : {std::size_t{1}, std::size_t{60}, mbe::page_size() - 1}) {
    errno = 0;
    CHECK(::msync(file.bytes().data() + offset, 1, MS_SYNC) == -1);
    CHECK(errno == EINVAL);
  }
}

TEST_CASE("msync rounds the length up to whole pages") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  const auto outside = dirty_left_outside(dir);
  if (!outside) MBE_SKIP(mbe::testing::not_measured_on(mbe::testing::filesystem_of(dir.path())));
  auto file = mbe::MappedFile::create(dir.file("f"), 3 * page);
  for (std::size_t i = 0; i < 3; ++i)
    file.bytes()[i * page + page - 1] = std::byte{1};      // last byte
  REQUIRE(::msync(file.bytes().data(), 1, MS_SYNC) == 0);  // 1 byte: the whole first page
  CHECK(dirty_in_page(file, 0) == 0);
  CHECK(dirty_in_page(file, 1) == *outside);  // on btrfs the whole file was synced
  REQUIRE(::msync(file.bytes().data() + page, page + 1, MS_SYNC) == 0);  // 1 byte into page 2
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
}

TEST_CASE("msync with length zero succeeds even on an unmapped address") {
  ScratchDir dir;
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  CHECK(::msync(file.bytes().data(), 0, MS_SYNC) == 0);
  void* gone = ::mmap(nullptr, mbe::page_size(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(gone != MAP_FAILED);
  REQUIRE(::munmap(gone, mbe::page_size()) == 0);
  CHECK(::msync(gone, 0, MS_SYNC) == 0);
  errno = 0;
  CHECK(::msync(gone, 1, MS_SYNC) == -1);  // one byte is not nothing
  CHECK(errno == ENOMEM);
}

TEST_CASE("msync MS_SYNC over a hole is ENOMEM yet syncs every mapped part") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto outside = dirty_left_outside(dir);
  if (!outside) MBE_SKIP(mbe::testing::not_measured_on(mbe::testing::filesystem_of(dir.path())));
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 3 * page);
  std::byte* base = file.bytes().data();
  base[0] = base[page] = base[2 * page] = std::byte{1};
  REQUIRE(::munmap(base + page, page) == 0);  // the hole; its page stays dirty in the cache
  errno = 0;
  CHECK(::msync(base, 3 * page, MS_SYNC) == -1);
  CHECK(errno == ENOMEM);
  CHECK(dirty_in_page(file, 0) == 0);  // before the hole: synced
  CHECK(dirty_in_page(file, 2) == 0);  // after the hole: synced too
  // The hole: no mapping in the range covers it — but btrfs syncs the whole file anyway.
  CHECK(dirty_in_page(file, 1) == *outside);
}

TEST_CASE("msync MS_ASYNC over a hole is ENOMEM too") {
  ScratchDir dir;
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 3 * page);
  REQUIRE(::munmap(file.bytes().data() + page, page) == 0);
  errno = 0;
  CHECK(::msync(file.bytes().data(), 3 * page, MS_ASYNC) == -1);
  CHECK(errno == ENOMEM);
}

TEST_CASE("msync cleans only the pages of its range and leaves neighbours dirty except on btrfs") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto outside = dirty_left_outside(dir);
  if (!outside) MBE_SKIP(mbe::testing::not_measured_on(mbe::testing::filesystem_of(dir.path())));
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 8 * page);  // filled by faults: 1-page folios
  for (std::size_t i = 0; i < 8; ++i) file.bytes()[i * page] = std::byte{1};
  REQUIRE_FALSE(file.sync(3 * page + 10, page));  // touches pages 3 and 4
  for (std::size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(dirty_in_page(file, i) == (i == 3 || i == 4 ? 0U : *outside));
  }
}

TEST_CASE("msync of one page also cleans the other pages of its large folio") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  const auto large_folios = mbe::testing::has_large_folios(filesystem);
  const auto outside = dirty_left_outside(dir);
  if (!large_folios || !outside) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  const auto path = dir.file("f");
  {  // 2 MiB written by two 1 MiB write()s: no folio spans pages 255 and 256
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    const std::string chunk(std::size_t{1} << 20, 'w');
    for (int i = 0; i < 2; ++i)
      REQUIRE(::write(fd, chunk.data(), chunk.size()) == static_cast<ssize_t>(chunk.size()));
    ::close(fd);
  }
  auto file = mbe::MappedFile::open(path);
  REQUIRE_FALSE(file.sync_all());
  const std::size_t page = mbe::page_size();
  file.bytes()[0] = std::byte{'x'};
  const std::uint64_t folio_pages = mbe::page_cache_state(file.fd()).dirty;  // page 0's folio
  mbe::testing::observe("pages in page 0's folio", folio_pages);
  if (!*large_folios) CHECK(folio_pages == 1);
  for (const std::size_t i : {std::size_t{1}, std::size_t{300}})
    file.bytes()[i * page] = std::byte{'x'};
  REQUIRE_FALSE(file.sync(0, 1));  // page 0 only
  CHECK(dirty_in_page(file, 0) == 0);
  CHECK(dirty_in_page(file, 1) == (folio_pages > 1 ? 0U : *outside));  // page 0's folio, or not
  CHECK(dirty_in_page(file, 300) == *outside);  // another folio: only btrfs cleans it
}

TEST_CASE("per-record msync of 60-byte records fails for all but every 1024th record") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_PER_RECORD_BUG, dir.file("f").string()});
  CHECK(run.exited_with(0));
  CHECK(run.out.find("per-record msync(&rec[i], 60, MS_SYNC): 4092 of 4096 calls failed with "
                     "EINVAL (Invalid argument)") != std::string::npos);
  CHECK(run.out.find("with the start rounded down to its page: 0 of 4096 calls failed") !=
        std::string::npos);
}

TEST_CASE("per-record msync of records that divide the page never fails") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_PER_RECORD_BUG, dir.file("f").string(), "--records",
                                "64", "--record-size", "4096"});
  CHECK(run.exited_with(0));
  CHECK(run.out.find("0 of 64 calls failed\n") != std::string::npos);
}

TEST_CASE("msync_arguments prints what the chapter teaches") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto outside = dirty_left_outside(dir);
  if (!outside) MBE_SKIP(mbe::testing::not_measured_on(mbe::testing::filesystem_of(dir.path())));
  const auto run = run_program({MBE_PROGRAM_MSYNC_ARGUMENTS, dir.file("f").string()});
  REQUIRE(run.exited_with(0));
  CHECK(run.out.find("unaligned start (base + 1):      -1, EINVAL") != std::string::npos);
  // ext4, xfs: the two other pages stay dirty, then the hole's page; btrfs syncs them all.
  const std::string after_one_byte =
      "aligned start, length 1:         0   dirty pages left: " + std::to_string(2 * *outside);
  const std::string after_hole =
      "3 pages, middle one unmapped:    -1, ENOMEM (Cannot allocate memory)   "
      "dirty pages left: " +
      std::to_string(*outside);
  CHECK(run.out.find(after_one_byte) != std::string::npos);
  CHECK(run.out.find(after_hole) != std::string::npos);
}

TEST_CASE("chapter 04 programs answer --help and reject bad arguments") {
  for (const char* program : {MBE_PROGRAM_MSYNC_ARGUMENTS, MBE_PROGRAM_PER_RECORD_BUG,
                              MBE_PROGRAM_FOLIO_AMPLIFICATION, MBE_PROGRAM_MAPPING_SIZE_COST}) {
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(help.out.find("usage:") == 0);
    CHECK(run_program({program}).exited_with(2));
  }
  CHECK(run_program({MBE_PROGRAM_PER_RECORD_BUG, "f", "--records", "-3"}).exited_with(2));
  CHECK(run_program({MBE_PROGRAM_MAPPING_SIZE_COST, "/tmp", "--rounds", "many"}).exited_with(2));
}
