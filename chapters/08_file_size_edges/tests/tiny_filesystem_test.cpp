// Chapter 08: claims that need a filesystem of their own — a full disk, and
// the directory's share of a durable rename. Run as root (loop mount).
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <string>

#include "testing.hpp"
#include "tiny_filesystem.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {

// "N" from the line of @p output that starts with @p step: "... device wrote N bytes".
long long bytes_written(const std::string& output, const std::string& step) {
  const auto line = output.find(step);
  if (line == std::string::npos) return -1;
  const auto number = output.find("device wrote ", line);
  if (number == std::string::npos || number > output.find('\n', line)) return -1;
  return std::stoll(output.substr(number + 13));
}
}  // namespace

TEST_CASE("stores into a sparse file on a full filesystem raise SIGBUS") {
  ScratchDir dir;
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 8);
  const auto run = run_program({MBE_PROGRAM_FILL_DISK, (disk->root() / "big").string(), "--mib", "16"});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "storing into 4096 pages ..."));
  CHECK_FALSE(contains(run.out, "all pages stored"));
}

TEST_CASE("posix_fallocate on a full filesystem fails with ENOSPC before anything is mapped") {
  ScratchDir dir;
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 8);
  const auto path = disk->root() / "big";
  const auto run = run_program({MBE_PROGRAM_FILL_DISK, path.string(), "--mib", "16", "--preallocate"});
  CHECK(run.exited_with(1));
  CHECK(run.err == "posix_fallocate: ENOSPC (No space left on device)\n");
  CHECK_FALSE(std::filesystem::exists(path));  // and the space is given back
  const auto fits = run_program({MBE_PROGRAM_FILL_DISK, path.string(), "--mib", "4", "--preallocate"});
  CHECK(fits.exited_with(0));
  CHECK(contains(fits.out, "all pages stored and synced"));
}

TEST_CASE("after a rename only fsync of the directory writes the new name") {
  ScratchDir dir;
  // No journal: a file's fsync then writes only what belongs to the file.
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 8, .journal = false);
  const auto path = (disk->root() / "state").string();
  const auto created = run_program({MBE_PROGRAM_REPLACE_DURABLY, path, "first"});
  REQUIRE(created.exited_with(0));
  const auto replaced = run_program({MBE_PROGRAM_REPLACE_DURABLY, path, "second version"});
  REQUIRE(replaced.exited_with(0));
  INFO(replaced.out);
  CHECK(bytes_written(replaced.out, "2. rename over FILE:") == 0);  // a rename alone writes nothing
  CHECK(bytes_written(replaced.out, "3. fsync(directory):") > 0);   // the directory block
  CHECK(bytes_written(replaced.out, "   fsync(directory) again:") == 0);
  CHECK(mbe::testing::read_file(path) == "second version");
  CHECK_FALSE(std::filesystem::exists(path + ".new"));
}

TEST_CASE("a sync that failed with an I/O error is not retried into success") {
  ScratchDir dir;
  // A 64 MiB filesystem on a device with room for 12 MiB: writeback fails below it.
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 64, .journal = false, .backing_mib = 12);
  const auto run = run_program({MBE_PROGRAM_SYNC_AFTER_EIO, (disk->root() / "state").string(), "--mib", "24"});
  INFO(run.out);
  CHECK(run.exited_with(3));  // pages lost
  // The first sync reports the failure; the pages are clean all the same.
  CHECK(contains(run.out, "msync(MS_SYNC):  -1, "));
  // The retry reports success with nothing written: the error was reported once.
  CHECK(contains(run.out, "fsync:           0 "));
  CHECK(contains(run.out, "fsync:           0                                        dirty or in writeback: 0 pages"));
  CHECK_FALSE(contains(run.out, "read back from the device: 0 of"));
}

TEST_CASE("on a healthy disk the same program loses nothing") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto run = run_program({MBE_PROGRAM_SYNC_AFTER_EIO, dir.file("state").string(), "--mib", "4"});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "read back from the device: 0 of 1024 pages lost"));
}
