// Checks of the test support itself: a broken helper would make every chapter lie.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "filesystem.hpp"
#include "testing.hpp"

TEST_CASE("a scratch directory is private and removed afterwards") {
  std::filesystem::path kept;
  {
    mbe::testing::ScratchDir first;
    mbe::testing::ScratchDir second;
    CHECK(first.path() != second.path());
    CHECK(std::filesystem::is_directory(first.path()));
    mbe::testing::write_file(first.file("x"), "data");
    kept = first.path();
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("run_program captures output and exit status") {
  const auto ok = mbe::testing::run_program({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(ok.exit_code == 3);
  CHECK(ok.out == "out\n");
  CHECK(ok.err == "err\n");
  CHECK_THROWS((void)mbe::testing::run_program({"/no/such/program"}));
}

TEST_CASE("children report their exit code or the signal that killed them") {
  CHECK(mbe::testing::run_in_child([] { return 5; }).exited_with(5));
  const auto killed = mbe::testing::run_in_child([] {
    ::raise(SIGKILL);
    return 0;
  });
  CHECK(killed.signal == SIGKILL);
  CHECK(killed.exit_code == -1);
}

TEST_CASE("filesystem_of names tmpfs and calls a filesystem it has not measured unmeasured") {
  const auto shm = mbe::testing::filesystem_of("/dev/shm");
  CHECK(shm.kind == mbe::testing::FilesystemKind::tmpfs);
  CHECK(shm.name == "tmpfs");
  const auto proc = mbe::testing::filesystem_of("/proc");
  CHECK(proc.kind == mbe::testing::FilesystemKind::unmeasured);
  CHECK(mbe::testing::not_measured_on(proc).find("unmeasured (type 0x9fa0)") != std::string::npos);
  CHECK_FALSE(mbe::testing::range_sync_covers_whole_file(proc).has_value());
}

TEST_CASE("summary_value reads key=value fields and not keys that merely end alike") {
  const std::string output = "msync_first=0 read_back=X\nother_read_back=1 count=12\n";
  CHECK(mbe::testing::summary_value(output, "read_back") == "X");
  CHECK(mbe::testing::summary_value(output, "count") == "12");
  CHECK(mbe::testing::summary_value(output, "missing").empty());
}
