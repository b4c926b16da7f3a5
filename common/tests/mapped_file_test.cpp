// Checks of mbe::MappedFile itself: ranges, refusals, bounds, moves, errors.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "filesystem.hpp"
#include "msync/device_writes.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::MappedFile;
using mbe::MappedFileError;
using mbe::testing::ScratchDir;

namespace {

struct Record {
  std::uint64_t sequence;
  std::uint32_t value;
  char tag[12];
};

std::uint64_t dirty_pages(const MappedFile& file, std::size_t first_page, std::size_t pages) {
  const std::size_t page = mbe::page_size();
  return mbe::page_cache_state(file.fd(), first_page * page, pages * page).dirty;
}

}  // namespace

TEST_CASE("page_rounded moves the start down to its page and still covers the last byte") {
  CHECK(mbe::page_rounded(4095, 2, 4096) == mbe::ByteRange{0, 4097});
  CHECK(mbe::page_rounded(4096, 1, 4096) == mbe::ByteRange{4096, 1});
  CHECK(mbe::page_rounded(8200, 100, 4096) == mbe::ByteRange{8192, 108});
  CHECK(mbe::page_rounded(0, 0, 4096) == mbe::ByteRange{0, 0});
}

TEST_CASE(
    "sync of offset 4095 length 2 cleans the two pages it touches and beyond them only on btrfs") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  const auto whole_file = mbe::testing::range_sync_covers_whole_file(filesystem);
  if (!whole_file) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  const std::size_t page = mbe::page_size();
  auto file = MappedFile::create(dir.file("f"), 4 * page);
  for (std::size_t i = 0; i < 4; ++i) file.bytes()[i * page + 100] = std::byte{1};
  REQUIRE(dirty_pages(file, 0, 4) == 4);

  CHECK_FALSE(file.sync(page - 1, 2));  // bytes 4095 and 4096: pages 0 and 1
  CHECK(dirty_pages(file, 0, 2) == 0);
  mbe::testing::observe("dirty pages left outside the range", dirty_pages(file, 2, 2));
  CHECK(dirty_pages(file, 2, 2) == (*whole_file ? 0U : 2U));  // btrfs syncs the whole file
  CHECK(mbe::page_cache_state(file.fd()).writeback == 0);     // MS_SYNC waited for the I/O
}

TEST_CASE("every odd range syncs without EINVAL") {
  ScratchDir dir;
  const std::size_t page = mbe::page_size();
  auto file = MappedFile::create(dir.file("f"), 3 * page);
  for (std::size_t offset : {std::size_t{1}, std::size_t{60}, page - 1, page + 7, 3 * page - 1})
    for (std::size_t length : {std::size_t{1}, std::size_t{60}, page})
      if (offset + length <= file.size()) CHECK_FALSE(file.sync(offset, length));
}

TEST_CASE("sync rejects ranges outside the mapping and accepts length zero") {
  ScratchDir dir;
  auto file = MappedFile::create(dir.file("f"), 100);
  CHECK(file.sync(0, 101) == MappedFileError::range_outside_mapping);
  CHECK(file.sync(101, 0) == MappedFileError::range_outside_mapping);
  CHECK(file.sync(50, SIZE_MAX) == MappedFileError::range_outside_mapping);  // no overflow
  CHECK_FALSE(file.sync(100, 0));
  CHECK_FALSE(file.sync(0, 100));
  CHECK_FALSE(file.sync_all(mbe::SyncMode::asynchronous));
  try {
    file.sync_or_throw(0, 200);
    FAIL("sync_or_throw accepted a range outside the mapping");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) == "msync: range lies outside the mapping");
    CHECK(error.code() == MappedFileError::range_outside_mapping);
  }
}

TEST_CASE("a zero-length mapping is refused with a clear error") {
  ScratchDir dir;
  std::error_code error;
  auto file = MappedFile::create(dir.file("new"), 0, error);
  CHECK(error == MappedFileError::empty_file);
  CHECK_FALSE(file.is_mapped());
  CHECK_FALSE(std::filesystem::exists(dir.file("new")));  // nothing left behind

  mbe::testing::write_file(dir.file("empty"), "");
  MappedFile::open(dir.file("empty"), error);
  CHECK(error == MappedFileError::empty_file);
  CHECK(error.message().find("file is empty") == 0);
}

TEST_CASE("create never overwrites an existing file") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("f"), "keep me");
  std::error_code error;
  MappedFile::create(dir.file("f"), 4096, error);
  CHECK(error == std::errc::file_exists);
  CHECK(mbe::testing::read_file(dir.file("f")) == "keep me");
}

TEST_CASE("created files are 0600 without execute bits and close-on-exec") {
  ScratchDir dir;
  auto file = MappedFile::create(dir.file("a"), 4096);
  struct stat status {};
  REQUIRE(::fstat(file.fd(), &status) == 0);
  CHECK((status.st_mode & 07777) == 0600);
  CHECK((::fcntl(file.fd(), F_GETFD) & FD_CLOEXEC) != 0);

  const mode_t old_mask = ::umask(0);
  auto executable_asked = MappedFile::create(dir.file("b"), 4096, 0755);
  ::umask(old_mask);
  REQUIRE(::fstat(executable_asked.fd(), &status) == 0);
  CHECK((status.st_mode & 07777) == 0644);
}

TEST_CASE("open maps the whole file and refuses what is not a regular file") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("f"), std::string(5000, 'a'));
  auto file = MappedFile::open(dir.file("f"));
  CHECK(file.size() == 5000);
  CHECK(file.bytes()[4999] == std::byte{'a'});

  std::error_code error;
  MappedFile::open(dir.path(), error);
  CHECK(error == std::errc::is_a_directory);  // open(O_RDWR) of a directory
  MappedFile::open(dir.path(), error, mbe::Access::read_only);
  CHECK(error == MappedFileError::not_a_regular_file);
  MappedFile::open(dir.file("missing"), error);
  CHECK(error == std::errc::no_such_file_or_directory);
}

TEST_CASE("throwing forms name the failed call and the symbolic errno") {
  ScratchDir dir;
  const auto missing = dir.file("no/such/dir/f");
  try {
    MappedFile::create(missing, 4096);
    FAIL("create succeeded in a missing directory");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) ==
          "open " + missing.string() + ": ENOENT (No such file or directory)");
  }
}

TEST_CASE("a read-only mapping cannot be written") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("f"), "read only");
  const auto child = mbe::testing::run_in_child([&] {
    ::signal(SIGSEGV, SIG_DFL);
    auto file = MappedFile::open(dir.file("f"), mbe::Access::read_only);
    file.bytes()[0] = std::byte{'X'};  // must fault
    return 0;
  });
  CHECK_FALSE(child.exited_with(0));
  CHECK(mbe::testing::read_file(dir.file("f")) == "read only");
}

TEST_CASE("object views are bounds-checked and alignment-checked") {
  ScratchDir dir;
  auto file = MappedFile::create(dir.file("f"), 64);
  CHECK_NOTHROW((void)file.object<Record>(0));
  CHECK_NOTHROW((void)file.object<Record>(64 - sizeof(Record)));
  auto code_of = [&](std::size_t offset) {
    try {
      (void)file.object<Record>(offset);
    } catch (const mbe::Error& error) {
      return error.code();
    }
    return std::error_code{};
  };
  CHECK(code_of(64 - sizeof(Record) + 8) == MappedFileError::range_outside_mapping);
  CHECK(code_of(SIZE_MAX - 2) == MappedFileError::range_outside_mapping);
  CHECK(code_of(4) == MappedFileError::misaligned_object);
  const MappedFile& read_view = file;
  CHECK_THROWS_AS((void)read_view.object<Record>(1000), mbe::Error);
}

TEST_CASE("a struct written through an object view round-trips through the file") {
  ScratchDir dir;
  {
    auto file = MappedFile::create(dir.file("f"), 4096);
    auto& record = file.object<Record>(32);
    record.sequence = 42;
    record.value = 7;
    std::memcpy(record.tag, "hello", 6);
    CHECK_FALSE(file.sync(32, sizeof(Record)));
  }
  const std::string bytes = mbe::testing::read_file(dir.file("f"));
  Record copy{};
  std::memcpy(&copy, bytes.data() + 32, sizeof copy);
  CHECK(copy.sequence == 42);
  CHECK(copy.value == 7);
  CHECK(std::string(copy.tag) == "hello");
  const auto reopened = MappedFile::open(dir.file("f"), mbe::Access::read_only);
  CHECK(reopened.object<Record>(32).sequence == 42);
}

TEST_CASE("moves transfer the mapping and never sync") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto first = MappedFile::create(dir.file("first"), 4096);
  first.bytes()[0] = std::byte{1};
  const int fd = first.fd();

  MappedFile moved(std::move(first));
  CHECK(moved.fd() == fd);
  CHECK(moved.size() == 4096);
  CHECK_FALSE(first.is_mapped());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  CHECK(first.fd() == -1);
  CHECK(first.sync(0, 1) == MappedFileError::not_mapped);
  CHECK(first.sync_parent_directory() == MappedFileError::not_mapped);

  auto second = MappedFile::create(dir.file("second"), 4096);
  second.bytes()[0] = std::byte{2};
  second = std::move(moved);  // releases "second" without syncing it
  CHECK(second.path() == dir.file("first"));
  CHECK(second.bytes()[0] == std::byte{1});

  auto probe = MappedFile::open(dir.file("second"));
  CHECK(mbe::page_cache_state(probe.fd()).dirty == 1);  // still dirty: no sync on move-assign
  CHECK(probe.bytes()[0] == std::byte{2});
  { MappedFile dropped = std::move(second); }  // destructor: munmap + close only
  auto first_again = MappedFile::open(dir.file("first"));
  CHECK(mbe::page_cache_state(first_again.fd()).dirty == 1);
}

TEST_CASE("sync_parent_directory succeeds for a created file") {
  ScratchDir dir;
  auto file = MappedFile::create(dir.file("f"), 4096);
  CHECK_FALSE(file.sync_parent_directory());
}

// Success alone would not tell a real directory sync from a no-op. On ext4 and
// xfs (journal or not) an fsync of a directory with a new entry sends the
// device a cache flush: a lower bound, which other programs' I/O on a shared
// disk cannot break. (That the entry itself is written is chapter 08's rename
// test, on a device of its own.)
TEST_CASE("sync_parent_directory sends the device a cache flush for a new entry") {
  ScratchDir dir;
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  using mbe::testing::FilesystemKind;
  if (filesystem.kind != FilesystemKind::ext4_journal &&
      filesystem.kind != FilesystemKind::ext4_no_journal && filesystem.kind != FilesystemKind::xfs)
    MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  auto file = MappedFile::create(dir.file("f"), 4096);
  const auto before = mbe::flushes_sent(file.fd());
  if (!before) MBE_SKIP("no block-device counters under " + dir.path().string());
  CHECK_FALSE(file.sync_parent_directory());
  CHECK(mbe::flushes_sent(file.fd()).value_or(0) >= *before + 1);
}
