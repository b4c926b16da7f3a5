// Chapter 08: what happens at and past the end of the file.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "filesystem.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

TEST_CASE("a store inside the file reaches the file") {
  ScratchDir dir;
  const auto run = run_program(
      {MBE_PROGRAM_PAST_EOF, dir.file("f").string(), "--size", "100", "--store-at", "50"});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "read back 'X': the store is part of the file"));
}

TEST_CASE(
    "a store past the end of file in its last page is lost on disk filesystems and kept by tmpfs") {
  ScratchDir dir;
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  // What the byte reads as after the file grows over it (measured on 6.18):
  // ext4, xfs and btrfs zero the tail of the last page, whether or not an
  // msync wrote the page first; tmpfs keeps the byte as file data.
  const auto read_back = mbe::testing::measured_on<std::string>(
      filesystem, {{mbe::testing::FilesystemKind::ext4_journal, "0"},
                   {mbe::testing::FilesystemKind::ext4_no_journal, "0"},
                   {mbe::testing::FilesystemKind::xfs, "0"},
                   {mbe::testing::FilesystemKind::btrfs, "0"},
                   {mbe::testing::FilesystemKind::tmpfs, "X"}});
  if (!read_back) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  for (const bool msync_first : {false, true}) {
    CAPTURE(msync_first);
    const auto file = dir.file(msync_first ? "synced" : "unsynced");
    std::vector<std::string> command = {MBE_PROGRAM_PAST_EOF, file.string(), "--size", "100",
                                        "--store-at",         "200"};
    if (msync_first) command.emplace_back("--msync-first");
    const auto run = run_program(command);
    CHECK(run.exited_with(0));
    CHECK(contains(run.out, "the store returned"));  // no error, no signal ...
    const std::string actual = mbe::testing::summary_value(run.out, "read_back");
    mbe::testing::observe(
        msync_first ? "read back after msync and growth" : "read back after growth", actual);
    CHECK(actual == *read_back);
  }
}

TEST_CASE("a store into a page past the end of file raises SIGBUS") {
  ScratchDir dir;
  const auto offset = std::to_string(mbe::page_size() + 10);
  const auto run = run_program(
      {MBE_PROGRAM_PAST_EOF, dir.file("f").string(), "--size", "100", "--store-at", offset});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "storing 'X'"));
  CHECK_FALSE(contains(run.out, "the store returned"));
}

TEST_CASE("touching a mapping of an empty file raises SIGBUS") {
  ScratchDir dir;
  const auto run =
      run_program({MBE_PROGRAM_PAST_EOF, dir.file("f").string(), "--size", "0", "--store-at", "0"});
  CHECK(run.signal == SIGBUS);
}

TEST_CASE("SIGBUS past the end of file carries BUS_ADRERR and the faulting address") {
  ScratchDir dir;
  const auto path = dir.file("f");
  const auto child = mbe::testing::run_in_child([&] {
    // Both volatile: the pointer is read by the handler (else -O2 may store it
    // after the faulting store — this chapter's own pitfall), the byte is the store.
    static volatile char* volatile expected = nullptr;
    struct sigaction action {};
    action.sa_flags = SA_SIGINFO;
    action.sa_sigaction = [](int, siginfo_t* info, void*) {
      _exit(info->si_code == BUS_ADRERR && info->si_addr == expected ? 10 : 11);
    };
    sigaction(SIGBUS, &action, nullptr);
    auto file = mbe::MappedFile::create(path, 2 * mbe::page_size());
    REQUIRE(::ftruncate(file.fd(), 1) == 0);  // one byte left: page 1 is past the end
    expected = reinterpret_cast<char*>(file.bytes().data()) + mbe::page_size() + 8;
    *expected = 'x';
    return 1;  // not reached when the kernel sends SIGBUS
  });
  CAPTURE(child.exit_code);
  CAPTURE(child.signal);
  CHECK(child.exited_with(10));
}

TEST_CASE("a file truncated by another process raises SIGBUS at the next access") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_TRUNCATED_UNDER_ME, dir.file("f").string()});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "first page still reads 'a'"));  // pages still inside the file are fine
  CHECK(contains(run.out, "reading the second page ..."));
}

TEST_CASE("a memfd sealed with F_SEAL_SHRINK refuses truncation with EPERM") {
  const auto run = run_program({MBE_PROGRAM_SEALED_MEMFD});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "ftruncate to one page: -1, EPERM (Operation not permitted)"));
  CHECK(contains(run.out, "grow to three pages: 0"));  // growing stays allowed
  CHECK(contains(run.out, "second page still reads 'b'"));
}

TEST_CASE("mmap of length 0 fails with EINVAL") {
  ScratchDir dir;
  const auto run = run_program({MBE_PROGRAM_EMPTY_AND_GROW, dir.file("f").string()});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "1. mmap(length 0) of the empty file: -1, EINVAL (Invalid argument)"));
}

TEST_CASE("a file grown with posix_fallocate and mremap keeps its data and takes new stores") {
  ScratchDir dir;
  const auto path = dir.file("f");
  const auto run = run_program({MBE_PROGRAM_EMPTY_AND_GROW, path.string(), "--grow-to", "64"});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "4. read back: last page 'n', page 0 \"hello from page 0\""));
  CHECK(std::filesystem::file_size(path) == 64 * mbe::page_size());
}

TEST_CASE("the chapter programs refuse an existing file and bad options without touching data") {
  ScratchDir dir;
  const auto path = dir.file("precious");
  mbe::testing::write_file(path, "keep me");
  for (const char* program : {MBE_PROGRAM_PAST_EOF, MBE_PROGRAM_TRUNCATED_UNDER_ME,
                              MBE_PROGRAM_EMPTY_AND_GROW, MBE_PROGRAM_GUARDED_READ}) {
    CAPTURE(program);
    const auto run = run_program({program, path.string()});
    CHECK(run.exited_with(1));
    CHECK(contains(run.err, "EEXIST (File exists)"));
  }
  const auto fill = run_program({MBE_PROGRAM_FILL_DISK, path.string(), "--mib", "1"});
  CHECK(fill.exited_with(1));
  CHECK(fill.err == "open: EEXIST (File exists)\n");
  CHECK(mbe::testing::read_file(path) == "keep me");

  CHECK(run_program({MBE_PROGRAM_PAST_EOF, dir.file("g").string(), "--store-at", "99999"})
            .exited_with(2));
  CHECK(run_program({MBE_PROGRAM_FILL_DISK, dir.file("g").string()})
            .exited_with(2));  // --mib missing
  CHECK(run_program({MBE_PROGRAM_GUARDED_READ, dir.file("g").string(), "--guard", "maybe"})
            .exited_with(2));
  CHECK(run_program({MBE_PROGRAM_REPLACE_DURABLY, dir.file("g").string()}).exited_with(2));
  CHECK_FALSE(std::filesystem::exists(dir.file("g")));
  const auto help = run_program({MBE_PROGRAM_SEALED_MEMFD, "--help"});
  CHECK(help.exited_with(0));
  CHECK(contains(help.out, "usage: ch08_sealed_memfd"));
}
