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
// The line of @p output that starts with @p step, or "".
std::string line_of(const std::string& output, const std::string& step) {
  std::size_t at = 0;
  if (output.compare(0, step.size(), step) != 0) {
    at = output.find("\n" + step);
    if (at == std::string::npos) return "";
    ++at;
  }
  return output.substr(at, output.find('\n', at) - at);
}
}  // namespace

TEST_CASE("stores into a sparse file on a full filesystem raise SIGBUS") {
  ScratchDir dir;
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 8);
  const auto run =
      run_program({MBE_PROGRAM_FILL_DISK, (disk->root() / "big").string(), "--mib", "16"});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "storing into 4096 pages ..."));
  CHECK_FALSE(contains(run.out, "all pages stored"));
}

TEST_CASE("posix_fallocate on a full filesystem fails with ENOSPC before anything is mapped") {
  ScratchDir dir;
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 8);
  const auto path = disk->root() / "big";
  const auto run =
      run_program({MBE_PROGRAM_FILL_DISK, path.string(), "--mib", "16", "--preallocate"});
  CHECK(run.exited_with(1));
  CHECK(run.err == "posix_fallocate: ENOSPC (No space left on device)\n");
  CHECK_FALSE(std::filesystem::exists(path));  // and the space is given back
  const auto fits =
      run_program({MBE_PROGRAM_FILL_DISK, path.string(), "--mib", "4", "--preallocate"});
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
    mbe::testing::TinyFilesystem::Options options;
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
    mbe::testing::observe(
        std::string(c.name) + ": bytes written by fsync(FILE), then fsync(directory)",
        std::to_string(bytes_written(replaced.out, "   fsync(FILE) again:")) + ", " +
            std::to_string(bytes_written(replaced.out, "3. fsync(directory):")));
    CHECK(bytes_written(replaced.out, "2. rename over FILE:") ==
          0);  // a rename alone writes nothing
    CHECK(bytes_written(replaced.out, "   fsync(FILE) again:") > 0);
    if (c.directory_fsync_writes)
      CHECK(bytes_written(replaced.out, "3. fsync(directory):") > 0);  // the directory's own write
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
  const auto run =
      run_program({MBE_PROGRAM_SYNC_AFTER_EIO, (disk->root() / "state").string(), "--mib", "24"});
  INFO(run.out);
  CHECK(run.exited_with(3));  // pages lost
  const auto line = [&](const std::string& step) { return line_of(run.out, step); };
  const std::string clean = "dirty or in writeback: 0 pages";
  // The first sync reports the device's error (a loop device whose backing
  // file cannot grow fails the write with BLK_STS_NOSPC: ENOSPC), and the
  // failed pages are already clean: nothing is kept for a retry.
  CHECK(contains(line("msync(MS_SYNC):"), "-1, ENOSPC (No space left on device)"));
  CHECK(contains(line("msync(MS_SYNC):"), clean));
  // The second sync gets a different error: EIO from writing the file's
  // metadata, which the first call, returning at the data error, left unwritten.
  CHECK(contains(line("msync again:"), "-1, EIO (Input/output error)"));
  // Then the retry "succeeds" with nothing written: reported once per descriptor.
  CHECK(contains(line("fsync:"), "0 "));
  CHECK_FALSE(contains(line("fsync:"), "-1"));
  CHECK(contains(line("fsync:"), clean));
  // errseq_t: a descriptor opened before the failure still gets the error —
  // the data's ENOSPC, which the file still holds — once; one opened after gets 0.
  CHECK(contains(line("fsync(opened before):"), "-1, ENOSPC (No space left on device)"));
  CHECK(contains(line("fsync(opened after):"), "0 "));
  CHECK_FALSE(contains(line("fsync(opened after):"), "-1"));
  CHECK_FALSE(contains(line("fsync(before) again:"), "-1"));
  CHECK_FALSE(contains(run.out, "read back from the device: 0 of"));
  CHECK(contains(run.out, "pages lost"));
}

TEST_CASE("on a healthy disk the same program loses nothing") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto run =
      run_program({MBE_PROGRAM_SYNC_AFTER_EIO, dir.file("state").string(), "--mib", "4"});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "read back from the device: 0 of 1024 pages lost"));
  CHECK_FALSE(contains(run.out, "-1, "));  // no sync, on no descriptor, reported an error
}
