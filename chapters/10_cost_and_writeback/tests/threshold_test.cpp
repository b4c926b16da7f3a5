// Chapter 10: the dirty thresholds — where the kernel writes dirty data at
// once, whatever its age, and holds the writer back. Shown on a filesystem of
// the test's own (ext4 on a loop device, a tiny filesystem of its own), whose
// writeback-device ("bdi") limit the test can lower without touching the
// machine's vm.dirty_* settings: /sys/class/bdi/MAJ:MIN/max_bytes with
// strict_limit (Linux 6.2+); that test needs root. And who does the writing,
// and the arguments of the two programs that never sync (no root needed).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "testing.hpp"
#include "tiny_filesystem.hpp"
#include "writeback_waits.hpp"

using ch10::testing::number_of;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {

bool write_sysfs(const std::string& path, const std::string& value) {
  std::ofstream file(path);
  file << value;
  file.flush();
  return static_cast<bool>(file);
}

std::string read_sysfs(const std::string& path) {
  std::ifstream file(path);
  std::string value;
  file >> value;
  return value;
}

// The limits belong to the loop device, which outlives our filesystem and is
// reused by the next one: put them back however the test ends.
class RestoreLimits {
 public:
  explicit RestoreLimits(std::string bdi)
      : bdi_(std::move(bdi)),
        strict_(read_sysfs(bdi_ + "/strict_limit")),
        max_ratio_(read_sysfs(bdi_ + "/max_ratio")) {}
  ~RestoreLimits() {
    write_sysfs(bdi_ + "/max_ratio", max_ratio_);  // also resets max_bytes
    write_sysfs(bdi_ + "/strict_limit", strict_);
  }
  RestoreLimits(const RestoreLimits&) = delete;
  RestoreLimits& operator=(const RestoreLimits&) = delete;

 private:
  std::string bdi_, strict_, max_ratio_;
};

}  // namespace

TEST_CASE(
    "above its dirty limit a writer is throttled and its data written at once whatever its age") {
  ScratchDir dir;
  // A 256 MiB ext4 whose image lives on tmpfs: its device is private and fast.
  // (Big enough that ext4 itself does not start writeback to keep space free
  // for delayed allocation: ext4_nonda_switch, fs/ext4/inode.c.)
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 256, .journal = false, .backing_mib = 300);
  struct stat device {};
  REQUIRE(::stat(disk->root().c_str(), &device) == 0);
  const std::string bdi = "/sys/class/bdi/" + std::to_string(major(device.st_dev)) + ":" +
                          std::to_string(minor(device.st_dev));
  if (!std::ifstream(bdi + "/max_bytes") || !std::ifstream(bdi + "/strict_limit"))
    MBE_SKIP("no per-device dirty limit (" + bdi + "/max_bytes and strict_limit: Linux 6.2+)");
  constexpr long long pages = 8192;  // 32 MiB, stored once each, as fast as possible
  const auto store_all = [&](const char* name) {
    const auto run = run_program({MBE_PROGRAM_DIRTY_THRESHOLD, (disk->root() / name).string(),
                                  "--pages", std::to_string(pages)});
    REQUIRE(run.exited_with(0));
    return run.out;
  };

  // Below every threshold: all 32 MiB stay dirty, nothing is written early.
  const auto free_run = store_all("below");
  INFO("below the limits: ", free_run);
  CHECK(number_of(free_run, "most_dirty_pages") == pages);

  // An 8 MiB limit for this device alone.
  const RestoreLimits restore(bdi);
  REQUIRE(read_sysfs(bdi + "/strict_limit") == "0");  // not left behind by an earlier run
  REQUIRE(write_sysfs(bdi + "/strict_limit", "1"));
  REQUIRE(write_sysfs(bdi + "/max_bytes", std::to_string(8 << 20)));
  const auto limited = store_all("above");
  INFO("above an 8 MiB limit: ", limited);
  // Never more than the limit's worth dirty at once (2048 pages; measured 1280) ...
  CHECK(number_of(limited, "most_dirty_pages") <= 2048 + 256);
  // ... because most of it was written while the program was still storing —
  // data a second old, 30 times younger than the expiry interval ...
  CHECK(number_of(limited, "device_bytes") >= pages * 4096 / 2);
  // ... and the writer, which makes no system call while storing, slept: the
  // throttle in balance_dirty_pages, reached from the page fault of its stores.
  CHECK(number_of(limited, "voluntary_switches") >= 1);
}

// The flusher: since Linux 2.6.32 per-device flusher threads replaced pdflush,
// and since 3.10 they are work items of the "writeback" workqueue (kworkers
// named ...+flush-MAJ:MIN while they work).
TEST_CASE("writeback runs in the writeback workqueue and no thread is called pdflush") {
  CHECK(std::filesystem::exists("/sys/bus/workqueue/devices/writeback"));
  int pdflush = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    if (comm >> name && name.rfind("pdflush", 0) == 0) ++pdflush;
  }
  CHECK(pdflush == 0);
}

namespace {

// What both never-syncing programs must do with their arguments: refuse a
// FILE that exists (EEXIST, its contents kept), refuse a missing FILE and a
// zero @p option (exit 2, creating nothing), and answer --help with usage.
void check_arguments(const std::string& program, const std::string& name,
                     const std::string& option) {
  ScratchDir dir;
  const auto existing = dir.file("existing");
  mbe::testing::write_file(existing, "precious data");
  const auto refused = run_program({program, existing.string(), option, "1"});
  CHECK(refused.exited_with(1));
  CHECK(refused.err.find("EEXIST (File exists)") != std::string::npos);
  CHECK(mbe::testing::read_file(existing) == "precious data");
  CHECK(run_program({program}).exited_with(2));
  CHECK(run_program({program, dir.file("f").string(), option, "0"}).exited_with(2));
  CHECK(!std::filesystem::exists(dir.file("f")));
  const auto help = run_program({program, "--help"});
  CHECK(help.exited_with(0));
  CHECK(help.out.rfind("usage: " + name, 0) == 0);
}

}  // namespace

TEST_CASE("never_msync answers --help and refuses an existing file and bad arguments") {
  check_arguments(MBE_PROGRAM_NEVER_MSYNC, "ch10_never_msync", "--seconds");
}

TEST_CASE("dirty_threshold answers --help and refuses an existing file and bad arguments") {
  check_arguments(MBE_PROGRAM_DIRTY_THRESHOLD, "ch10_dirty_threshold", "--pages");
  ScratchDir dir;
  const auto no_pages = run_program({MBE_PROGRAM_DIRTY_THRESHOLD, dir.file("f").string()});
  CHECK(no_pages.exited_with(2));
  CHECK(no_pages.err.find("--pages is required") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.file("f")));
}
