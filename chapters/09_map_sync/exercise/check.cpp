// Checks of the chapter 09 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"

using mbe::testing::as_error;
using mbe::testing::ScratchDir;

namespace {
// A new file of @p pages pages in @p directory, open read-write.
int new_file(const std::filesystem::path& directory, std::size_t pages) {
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, static_cast<off_t>(pages * mbe::page_size())) == 0);
  return fd;
}
}  // namespace

TEST_CASE("without DAX the mapping works and says it needs msync") {
  MBE_HINTS("this disk has no DAX: MAP_SYNC will be refused - with which errno?",
            "on EOPNOTSUPP map again without MAP_SYNC and set needs_msync");
  ScratchDir dir;
  const int fd = new_file(dir.path(), 2);
  ex09::PersistentMapping mapping;
  REQUIRE_FALSE(ex09::map_for_persistence(fd, 2 * mbe::page_size(), mapping));
  MBE_CATCHES(mapping.needs_msync, "the fallback mapping claims stores are durable without msync");
  CHECK(mapping.length == 2 * mbe::page_size());
  REQUIRE(mapping.data != nullptr);
  ::munmap(mapping.data, mapping.length);
  ::close(fd);
}

TEST_CASE("stores through the mapping reach the file") {
  MBE_HINTS("stores must reach the file: which mapping type shares them?",
            "a MAP_PRIVATE mapping keeps stores to itself");
  ScratchDir dir;
  const int fd = new_file(dir.path(), 1);
  ex09::PersistentMapping mapping;
  REQUIRE_FALSE(ex09::map_for_persistence(fd, mbe::page_size(), mapping));
  std::memcpy(mapping.data, "durable?", 8);
  REQUIRE(::msync(mapping.data, mapping.length, MS_SYNC) == 0);
  char back[8] = {};
  REQUIRE(::pread(fd, back, sizeof back, 0) == 8);
  MBE_CATCHES(std::memcmp(back, "durable?", 8) == 0,
              "the stores never reached the file: a MAP_PRIVATE fallback");
  ::munmap(mapping.data, mapping.length);
  ::close(fd);
}

TEST_CASE("the fallback also works on tmpfs where MAP_SHARED would ignore MAP_SYNC") {
  MBE_HINTS("tmpfs accepts plain MAP_SHARED | MAP_SYNC - and gives no MAP_SYNC",
            "which mapping type makes the kernel refuse flags it cannot honour?");
  if (::access("/dev/shm", W_OK) != 0) MBE_SKIP("needs a writable /dev/shm (tmpfs)");
  const int fd = new_file("/dev/shm", 1);
  ex09::PersistentMapping mapping;
  REQUIRE_FALSE(ex09::map_for_persistence(fd, mbe::page_size(), mapping));
  MBE_CATCHES(mapping.needs_msync,
              "MAP_SYNC was asked with plain MAP_SHARED, which drops a flag it cannot honour "
              "without a word");  // nothing here is persistent memory
  ::munmap(mapping.data, mapping.length);
  ::close(fd);
}

TEST_CASE("other failures are reported as they are and leave the mapping unchanged") {
  MBE_HINTS("fall back only when MAP_SYNC itself is refused",
            "any other errno from mmap is returned as it is, and mapping is left alone");
  ScratchDir dir;
  const int fd = new_file(dir.path(), 1);
  ex09::PersistentMapping mapping;
  CHECK(ex09::map_for_persistence(fd, 0, mapping) == as_error(std::errc::invalid_argument));
  CHECK(mapping.data == nullptr);
  const int read_only =
      ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(read_only >= 0);
  CHECK(ex09::map_for_persistence(read_only, mbe::page_size(), mapping) ==
        as_error(std::errc::permission_denied));
  CHECK(mapping.data == nullptr);
  ::close(read_only);
  ::close(fd);
}
