// Checks of the cachestat(2) probe.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("the probe counts cached and dirty pages of a byte range") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 10 * page);
  for (std::size_t i : {1U, 2U, 7U}) file.bytes()[i * page] = std::byte{1};
  CHECK(mbe::page_cache_state(file.fd()).dirty == 3);  // length 0 = to end of file
  CHECK(mbe::page_cache_state(file.fd(), 0, 3 * page).dirty == 2);
  CHECK(mbe::page_cache_state(file.fd(), 3 * page, 4 * page).dirty == 0);
  CHECK(mbe::page_cache_state(file.fd(), 7 * page, 1).dirty == 1);  // any byte of the page
  CHECK(mbe::page_cache_state(file.fd()).cached >= 3);              // plus clean neighbours read in
}

// mincore(2) answers "is this page in RAM?" — one bit per page, the same for
// a dirty page and a clean one. Only cachestat tells them apart.
TEST_CASE("mincore shows a dirty page and a clean page alike where the probe tells them apart") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 2 * page);
  file.bytes()[0] = std::byte{1};
  file.bytes()[page] = std::byte{1};
  // Page 1 written back and waited for, page 0 left dirty. (Not msync: on
  // btrfs a sync of any range writes the whole file.)
  REQUIRE(::sync_file_range(file.fd(), static_cast<off_t>(page), static_cast<off_t>(page),
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                SYNC_FILE_RANGE_WAIT_AFTER) == 0);
  std::vector<unsigned char> resident(2);
  REQUIRE(::mincore(file.bytes().data(), 2 * page, resident.data()) == 0);
  CHECK((resident[0] & 1) == 1);
  CHECK((resident[1] & 1) == 1);
  CHECK(resident[0] == resident[1]);  // nothing else to tell: no dirty bit
  CHECK(mbe::page_cache_state(file.fd(), 0, page).dirty == 1);
  CHECK(mbe::page_cache_state(file.fd(), page, page).dirty == 0);
}

TEST_CASE("the probe reports errors with the call and symbolic errno") {
  mbe::PageCacheState state;
  CHECK(mbe::probe_page_cache(-1, 0, 0, state) == std::errc::bad_file_descriptor);
  try {
    (void)mbe::page_cache_state(-1);
    FAIL("no exception for a bad descriptor");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) == "cachestat: EBADF (Bad file descriptor)");
  }
  CHECK(mbe::page_cache_probe_hint(std::error_code(ENOSYS, std::generic_category()))
            .find("Linux 6.5") != std::string::npos);
  CHECK(
      mbe::page_cache_probe_hint(std::error_code(EPERM, std::generic_category())).find("writing") !=
      std::string::npos);
}

TEST_CASE("the probe refuses a file the caller cannot write") {
  // Root may write every file: as root the probe runs in a child that first
  // gives root up (to nobody, 65534), so the case is seen under CI too.
  const auto child = mbe::testing::run_in_child([] {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return 2;
    const int fd = ::open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 3;
    mbe::PageCacheState state;
    const std::error_code error = mbe::probe_page_cache(fd, 0, 0, state);
    ::close(fd);
    if (error == std::errc::function_not_supported) return 4;
    return error == std::errc::operation_not_permitted ? 0 : 1;
  });
  if (child.exited_with(4)) MBE_SKIP("cachestat(2) needs Linux 6.5 or newer");
  CHECK_MESSAGE(!child.exited_with(2), "could not give up root (setgid/setuid to 65534)");
  CHECK_MESSAGE(!child.exited_with(3), "cannot open /etc/passwd");
  CHECK(child.exited_with(0));
}
