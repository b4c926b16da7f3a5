// Checks of the chapter 08 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "exercise.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

namespace {
const std::size_t page = mbe::page_size();

// A new file of @p length bytes, mapped MAP_SHARED, with "page 0" stored in it.
struct MappedForTest {
  int fd = -1;
  ex08::Mapping mapping;
  MappedForTest(const std::filesystem::path& path, std::size_t length) {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, static_cast<off_t>(length)) == 0);
    void* data = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(data != MAP_FAILED);
    mapping = {static_cast<std::byte*>(data), length};
    std::memcpy(data, "page 0", 7);
  }
  ~MappedForTest() {
    ::munmap(mapping.data, mapping.length);
    ::close(fd);
  }
  [[nodiscard]] off_t file_size() const {
    struct stat status {};
    REQUIRE(::fstat(fd, &status) == 0);
    return status.st_size;
  }
};
}  // namespace

TEST_CASE("the grown mapping keeps the old bytes and takes stores in the new pages") {
  MBE_HINT("mremap with MREMAP_MAYMOVE may return a new address: store it in mapping.data");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  REQUIRE_FALSE(ex08::grow_mapping(file.fd, file.mapping, 16 * page));
  REQUIRE(file.mapping.length == 16 * page);
  CHECK(std::memcmp(file.mapping.data, "page 0", 7) == 0);
  CHECK(file.mapping.data[9 * page] == std::byte{0});
  file.mapping.data[16 * page - 1] = std::byte{'z'};
  REQUIRE(::msync(file.mapping.data, file.mapping.length, MS_SYNC) == 0);
  char last = 0;
  REQUIRE(::pread(file.fd, &last, 1, static_cast<off_t>(16 * page - 1)) == 1);
  CHECK(last == 'z');
}

TEST_CASE("the file grows before the mapping so the new pages never raise SIGBUS") {
  MBE_HINT("a mapping longer than its file raises SIGBUS past the end: make the file long enough first");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  const auto child = mbe::testing::run_in_child([&] {
    if (ex08::grow_mapping(file.fd, file.mapping, 4 * page)) return 2;
    file.mapping.data[3 * page] = std::byte{1};  // SIGBUS here if the file is short
    return 0;
  });
  CHECK(child.exited_with(0));
  CHECK(child.signal == 0);
}

TEST_CASE("the new blocks are reserved on the disk and not left sparse") {
  MBE_HINT("ftruncate makes a sparse file - a later store can still meet a full disk; posix_fallocate reserves");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  REQUIRE_FALSE(ex08::grow_mapping(file.fd, file.mapping, 64 * page));
  struct stat status {};
  REQUIRE(::fstat(file.fd, &status) == 0);
  CHECK(status.st_size == static_cast<off_t>(64 * page));
  CHECK(static_cast<std::size_t>(status.st_blocks) * 512 >= 64 * page);
}

TEST_CASE("a length that is not a whole number of pages is the new file size") {
  MBE_HINT("grow the file to exactly new_length bytes; mremap takes any length");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  REQUIRE_FALSE(ex08::grow_mapping(file.fd, file.mapping, 3 * page + 100));
  CHECK(file.file_size() == static_cast<off_t>(3 * page + 100));
  CHECK(file.mapping.length == 3 * page + 100);
}

TEST_CASE("a shorter length is refused with EINVAL and changes nothing") {
  MBE_HINT("check new_length against mapping.length before touching anything");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), 4 * page);
  const auto before = file.mapping;
  CHECK(ex08::grow_mapping(file.fd, file.mapping, page) == std::errc::invalid_argument);
  CHECK(file.mapping.data == before.data);
  CHECK(file.mapping.length == before.length);
  CHECK(file.file_size() == static_cast<off_t>(4 * page));
}

TEST_CASE("a failed grow reports the error and leaves the mapping usable") {
  MBE_HINT("posix_fallocate returns its error number instead of setting errno; update mapping only on success");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  const int read_only = ::open(dir.file("f").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(read_only >= 0);
  const auto before = file.mapping;
  CHECK(ex08::grow_mapping(read_only, file.mapping, 8 * page) == std::errc::bad_file_descriptor);
  ::close(read_only);
  CHECK(file.mapping.data == before.data);
  CHECK(file.mapping.length == page);
  CHECK(std::memcmp(file.mapping.data, "page 0", 7) == 0);
}
