// Checks of the chapter 08 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"

using mbe::testing::as_error;
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
  MBE_HINTS("the pages after the mapping may be taken: can the mapping grow where it is?",
            "mremap with MREMAP_MAYMOVE may move it: store the new address in mapping.data");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  // Something already lives right after the mapping: it can only grow by moving.
  void* neighbour = ::mmap(file.mapping.data + page, page, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  REQUIRE(
      (neighbour != MAP_FAILED || errno == EEXIST));  // EEXIST: something else lives there already
  MBE_REQUIRE_CATCHES(
      ex08::grow_mapping(file.fd, file.mapping, 16 * page) == std::error_code{},
      "the mapping could not grow in place and was not allowed to move (MREMAP_MAYMOVE)");
  if (neighbour != MAP_FAILED) ::munmap(neighbour, page);
  REQUIRE(file.mapping.length == 16 * page);
  CHECK(std::memcmp(file.mapping.data, "page 0", 7) == 0);
  CHECK(file.mapping.data[9 * page] == std::byte{0});
  file.mapping.data[16 * page - 1] = std::byte{'z'};
  REQUIRE(::msync(file.mapping.data, file.mapping.length, MS_SYNC) == 0);
  char last = 0;
  REQUIRE(::pread(file.fd, &last, 1, static_cast<off_t>(16 * page - 1)) == 1);
  CHECK(last == 'z');
}

TEST_CASE("stores into the new pages never raise SIGBUS") {
  MBE_HINTS("a mapping longer than its file raises SIGBUS past the end of the file",
            "make the file long enough before anything can store into the new pages");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  const auto child = mbe::testing::run_in_child([&] {
    if (ex08::grow_mapping(file.fd, file.mapping, 4 * page)) return 2;
    file.mapping.data[3 * page] = std::byte{1};  // SIGBUS here if the file is short
    return 0;
  });
  CHECK(child.exited_with(0));
  MBE_CATCHES(child.signal == 0, "a store into the grown mapping raised signal "
                                     << child.signal << ": the file is shorter than the mapping");
}

TEST_CASE("the file grows before the mapping so a failed grow leaves the mapping as it was") {
  MBE_HINTS(
      "the file can refuse to grow (a full disk, a size limit): what state does that leave the "
      "mapping in?",
      "the mapping must never be longer than the file, not even for a moment: which call comes "
      "first?");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  const auto before = file.mapping;
  // A size limit makes the file refuse to grow (EFBIG) - a stand-in for a
  // full disk. The grow runs in a child, which the limit binds alone.
  const auto child = mbe::testing::run_in_child([&] {
    ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
    const rlimit limit{4 * page, 4 * page};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 3;
    // Is the page after the mapping free? Then only an in-place grow can map it.
    void* probe = ::mmap(before.data + page, page, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    const bool next_page_free = probe != MAP_FAILED;
    if (next_page_free) ::munmap(probe, page);
    if (ex08::grow_mapping(file.fd, file.mapping, 8 * page) != as_error(std::errc::file_too_large))
      return 2;
    // Still mapped where it was, as long as it was - and not one page longer.
    if (file.mapping.data != before.data || file.mapping.length != before.length) return 4;
    if (::msync(before.data, before.length, MS_ASYNC) != 0)
      return 1;  // ENOMEM: the mapping moved away
    if (next_page_free && ::msync(before.data + page, page, MS_ASYNC) == 0)
      return 1;  // grew past the file
    return 0;
  });
  CHECK_FALSE(child.exited_with(2));  // EFBIG must be reported
  CHECK_FALSE(child.exited_with(4));  // mapping must be unchanged
  MBE_CATCHES(
      !child.exited_with(1),
      "the mapping grew (or moved) before the file, and stayed so when the file could not grow");
  CHECK(child.exited_with(0));
}

TEST_CASE("the new blocks are reserved on the disk and not left sparse") {
  MBE_HINTS(
      "a longer file is not yet space on the disk: a sparse file fails later, on a store, with "
      "SIGBUS",
      "ftruncate makes a sparse file; which call reserves the blocks?");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  REQUIRE_FALSE(ex08::grow_mapping(file.fd, file.mapping, 64 * page));
  struct stat status {};
  REQUIRE(::fstat(file.fd, &status) == 0);
  CHECK(status.st_size == static_cast<off_t>(64 * page));
  MBE_CATCHES(static_cast<std::size_t>(status.st_blocks) * 512 >= 64 * page,
              "the file was grown sparse (ftruncate): a store can still meet a full disk");
}

TEST_CASE("a length that is not a whole number of pages is the new file size") {
  MBE_HINTS("the file's size is new_length exactly, not rounded to pages",
            "mremap takes any length");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  REQUIRE_FALSE(ex08::grow_mapping(file.fd, file.mapping, 3 * page + 100));
  CHECK(file.file_size() == static_cast<off_t>(3 * page + 100));
  CHECK(file.mapping.length == 3 * page + 100);
}

TEST_CASE("a shorter length is refused with EINVAL and changes nothing") {
  MBE_HINTS("a shorter length is refused before anything is touched",
            "compare new_length with mapping.length first");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), 4 * page);
  const auto before = file.mapping;
  CHECK(ex08::grow_mapping(file.fd, file.mapping, page) == as_error(std::errc::invalid_argument));
  CHECK(file.mapping.data == before.data);
  CHECK(file.mapping.length == before.length);
  CHECK(file.file_size() == static_cast<off_t>(4 * page));
}

TEST_CASE("a failed grow reports the error and leaves the mapping usable") {
  MBE_HINTS("read posix_fallocate's man page: how does it report an error?",
            "it returns the error number and leaves errno alone; update mapping only on success");
  ScratchDir dir;
  MappedForTest file(dir.file("f"), page);
  const int read_only = ::open(dir.file("f").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(read_only >= 0);
  const auto before = file.mapping;
  errno = 0;
  MBE_CATCHES(
      ex08::grow_mapping(read_only, file.mapping, 8 * page) ==
          as_error(std::errc::bad_file_descriptor),
      "the error was not reported as it is - posix_fallocate returns it and leaves errno alone");
  ::close(read_only);
  CHECK(file.mapping.data == before.data);
  CHECK(file.mapping.length == page);
  CHECK(std::memcmp(file.mapping.data, "page 0", 7) == 0);
}
