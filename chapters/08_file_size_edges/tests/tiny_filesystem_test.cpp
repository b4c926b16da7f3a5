// Chapter 08: claims that need a filesystem of their own — a full disk, and
// the directory's share of a durable rename. Run as root (loop mount).
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <string>

#include "filesystem.hpp"
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

TEST_CASE("after a rename the new name is written by the directory fsync or by the journal") {
  // Each filesystem on a quiet device of its own, so the device counter shows
  // exactly what each step wrote. Measured on 6.18, renaming over an existing
  // name: journaled ext4 and xfs commit the rename with the file's fsync (their
  // journal or log holds it), so the directory's fsync then writes nothing;
  // ext4 without a journal writes the directory block only when the directory
  // is fsynced; btrfs writes in both.
  struct Case {
    const char* name;
    ch08::testing::TinyFilesystem::Options options;
    bool directory_fsync_writes;  // after the file's fsync
  };
  const Case cases[] = {
      {"ext4-journal", {.mib = 32}, false},
      {"ext4-nojournal", {.mib = 32, .journal = false}, true},
      {"xfs", {.mib = 320, .type = "xfs"}, false},
      {"btrfs", {.mib = 128, .type = "btrfs"}, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    ScratchDir dir;
    CH08_TINY_FILESYSTEM(disk, dir.path(), c.options);
    const auto path = (disk->root() / "state").string();
    const auto created = run_program({MBE_PROGRAM_REPLACE_DURABLY, path, "first"});
    REQUIRE(created.exited_with(0));
    const auto replaced = run_program({MBE_PROGRAM_REPLACE_DURABLY, path, "second version"});
    REQUIRE(replaced.exited_with(0));
    INFO(replaced.out);
    mbe::testing::observe(std::string(c.name) + ": bytes written by fsync(FILE), then fsync(directory)",
                          std::to_string(bytes_written(replaced.out, "   fsync(FILE) again:")) + ", " +
                              std::to_string(bytes_written(replaced.out, "3. fsync(directory):")));
    CHECK(bytes_written(replaced.out, "2. rename over FILE:") == 0);  // a rename alone writes nothing
    CHECK(bytes_written(replaced.out, "   fsync(FILE) again:") > 0);
    if (c.directory_fsync_writes)
      CHECK(bytes_written(replaced.out, "3. fsync(directory):") > 0);   // the directory's own write
    else
      CHECK(bytes_written(replaced.out, "3. fsync(directory):") == 0);  // already in the journal
    CHECK(bytes_written(replaced.out, "   fsync(directory) again:") == 0);
    CHECK(mbe::testing::read_file(path) == "second version");
    CHECK_FALSE(std::filesystem::exists(path + ".new"));
  }
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
