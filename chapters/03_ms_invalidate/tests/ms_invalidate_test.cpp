// Chapter 03 claims: one page cache, so MS_INVALIDATE has nothing to do on
// Linux — except fail with EBUSY on locked pages; MAP_PRIVATE is no snapshot.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "../lock_pages.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
// Skips unless this process may lock a page (root, or RLIMIT_MEMLOCK allows it).
bool can_lock(void* address, std::size_t length) {
  return ch03::lock_pages(address, length) == 0;
}
}  // namespace

TEST_CASE("a mapping sees another process's write at once without MS_INVALIDATE") {
  ScratchDir dir;
  const auto run =
      run_program({MBE_PROGRAM_SEES_WRITES, dir.file("f").string(), "--rounds", "10000"});
  CHECK(run.exited_with(0));
  CHECK(run.out == "seen at once through the mapping: 10000 of 10000 writes\n");
}

TEST_CASE("MS_INVALIDATE on unlocked pages succeeds and keeps data and dirtiness") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 2 * mbe::page_size());
  file.bytes()[0] = std::byte{'d'};
  CHECK(::msync(file.bytes().data(), file.size(), MS_INVALIDATE) == 0);
  CHECK(file.bytes()[0] == std::byte{'d'});
  CHECK(mbe::page_cache_state(file.fd()).dirty == 1);  // nothing written, nothing dropped
  CHECK(mbe::testing::read_file(file.path())[0] == 'd');
}

// FreeBSD and macOS refuse this combination with EINVAL (their msync(2));
// Linux accepts it and, like MS_INVALIDATE alone, changes nothing.
TEST_CASE("Linux accepts MS_ASYNC with MS_INVALIDATE and it changes nothing") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 2 * mbe::page_size());
  file.bytes()[0] = std::byte{'d'};
  CHECK(::msync(file.bytes().data(), file.size(), MS_ASYNC | MS_INVALIDATE) == 0);
  CHECK(file.bytes()[0] == std::byte{'d'});
  CHECK(mbe::page_cache_state(file.fd()).dirty == 1);
}

TEST_CASE("MS_INVALIDATE on an mlocked range is EBUSY") {
  ScratchDir dir;
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  file.bytes()[0] = std::byte{1};
  if (!can_lock(file.bytes().data(), file.size())) MBE_SKIP("mlock refused (RLIMIT_MEMLOCK)");
  errno = 0;
  CHECK(::msync(file.bytes().data(), file.size(), MS_INVALIDATE) == -1);
  CHECK(errno == EBUSY);
  ch03::unlock_pages(file.bytes().data(), file.size());
  CHECK(::msync(file.bytes().data(), file.size(), MS_INVALIDATE) == 0);  // unlocked: fine again
}

TEST_CASE("MS_SYNC with MS_INVALIDATE on an mlocked range is EBUSY and does not sync") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  file.bytes()[0] = std::byte{1};
  if (!can_lock(file.bytes().data(), file.size())) MBE_SKIP("mlock refused (RLIMIT_MEMLOCK)");
  errno = 0;
  CHECK(::msync(file.bytes().data(), file.size(), MS_SYNC | MS_INVALIDATE) == -1);
  CHECK(errno == EBUSY);
  CHECK(mbe::page_cache_state(file.fd()).dirty == 1);  // the "commit" wrote nothing
  ch03::unlock_pages(file.bytes().data(), file.size());
}

TEST_CASE("invalidate_locked prints EBUSY and the unsynced page") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto run = run_program({MBE_PROGRAM_INVALIDATE_LOCKED, dir.file("f").string()});
  if (run.exited_with(1) && run.err.find("mlock") == 0) MBE_SKIP("mlock refused: " + run.err);
  REQUIRE(run.exited_with(0));
  CHECK(run.out.find("MS_INVALIDATE, unlocked page:          0\n") != std::string::npos);
  CHECK(
      run.out.find("MS_INVALIDATE, locked page:            -1, EBUSY (Device or resource busy)") !=
      std::string::npos);
  CHECK(run.out.find("MS_SYNC | MS_INVALIDATE, locked page:  -1, EBUSY") != std::string::npos);
  CHECK(run.out.find("locked page afterwards: dirty 1  <- not synced") != std::string::npos);
}

TEST_CASE("MAP_PRIVATE untouched pages show later changes to the file") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("f"), std::string(mbe::page_size(), 'a'));
  const int fd = ::open(dir.file("f").c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  auto* view = static_cast<char*>(
      ::mmap(nullptr, mbe::page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  REQUIRE(view != MAP_FAILED);
  CHECK(view[0] == 'a');  // read: faulted in, shared with the page cache, not copied
  REQUIRE(::pwrite(fd, "F", 1, 0) == 1);
  CHECK(view[0] == 'F');  // not a snapshot
  ::munmap(view, mbe::page_size());
  ::close(fd);
}

TEST_CASE("MAP_PRIVATE copied page survives MS_INVALIDATE and MADV_DONTNEED drops it") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_PRIVATE_NOT_SNAPSHOT, dir.file("f").string()});
  REQUIRE(run.exited_with(0));
  CHECK(run.out.find("untouched private page shows:          'F'") != std::string::npos);
  CHECK(run.out.find("copied-on-write page shows:            'P'") != std::string::npos);
  CHECK(run.out.find("after msync(MS_INVALIDATE), COW page:  'P'") != std::string::npos);
  CHECK(run.out.find("after madvise(MADV_DONTNEED), page:    'F'") != std::string::npos);
  const std::string on_disk = mbe::testing::read_file(dir.file("f"));
  CHECK(on_disk[0] == 'F');  // the private store never reached the file
}

TEST_CASE("chapter 03 programs answer --help and refuse existing files") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("existing"), "keep");
  for (const char* program :
       {MBE_PROGRAM_SEES_WRITES, MBE_PROGRAM_INVALIDATE_LOCKED, MBE_PROGRAM_PRIVATE_NOT_SNAPSHOT}) {
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(help.out.find("usage:") == 0);
    CHECK(run_program({program}).exited_with(2));
    const auto existing = run_program({program, dir.file("existing").string()});
    CHECK(existing.exited_with(1));
    CHECK(existing.err.find("EEXIST (File exists)") != std::string::npos);
    CHECK(mbe::testing::read_file(dir.file("existing")) == "keep");
  }
}
