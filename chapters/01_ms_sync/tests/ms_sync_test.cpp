// Chapter 01 claims: msync(MS_SYNC) cleans its range, succeeds on a clean
// range, and what it committed is exactly what a fresh process reads.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>

#include <cstring>
#include <string>

#include "../state.hpp"
#include "msync/device_writes.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"
#include "tiny_filesystem.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
ch01::AppState state_in(const std::filesystem::path& path) {
  const std::string bytes = mbe::testing::read_file(path);  // read(), not a mapping
  ch01::AppState state{};
  REQUIRE(bytes.size() >= sizeof state);
  std::memcpy(&state, bytes.data(), sizeof state);
  return state;
}
}  // namespace

TEST_CASE("after msync MS_SYNC the range has no dirty and no writeback page") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("f"), 64 * page);
  for (std::size_t i = 0; i < 64; ++i) file.bytes()[i * page] = std::byte{1};
  REQUIRE(mbe::page_cache_state(file.fd()).dirty == 64);

  REQUIRE(::msync(file.bytes().data(), file.size(), MS_SYNC) == 0);
  const auto state = mbe::page_cache_state(file.fd());
  CHECK(state.dirty == 0);
  CHECK(state.writeback == 0);
  CHECK(state.cached == 64);  // written back, still cached: clean pages
}

// "No dirty, no writeback page" is not durability: sync_file_range, which
// waits for the writes but never flushes the device's volatile cache, leaves
// the same page-cache state. What MS_SYNC adds is the cache flush — counted on
// a device of the test's own (ext4 without a journal on a loop device,
// a tiny filesystem of its own), where only this test sends anything. That the
// flush is what survives a power loss is chapter 07's lab.
TEST_CASE(
    "msync MS_SYNC sends a device cache flush where sync_file_range leaves the same clean pages "
    "without one") {
  ScratchDir dir;
  CH08_TINY_FILESYSTEM(disk, dir.path(), .mib = 64, .journal = false, .backing_mib = 80);
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(disk->root() / "f", 16 * page);
  REQUIRE(::fsync(file.fd()) == 0);  // the new file's metadata, before counting
  const auto flushes = [&] { return mbe::flushes_sent(file.fd()).value_or(0); };
  const auto dirty_all = [&] {
    for (std::size_t i = 0; i < 16; ++i)
      file.bytes()[i * page] = std::byte{static_cast<unsigned char>(i + 1)};
    REQUIRE(mbe::page_cache_state(file.fd()).dirty == 16);
  };
  REQUIRE(mbe::flushes_sent(file.fd()).has_value());

  dirty_all();
  const auto before_range = flushes();
  REQUIRE(::sync_file_range(file.fd(), 0, 0,
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                SYNC_FILE_RANGE_WAIT_AFTER) == 0);
  const auto after_range = flushes();
  const auto range_state = mbe::page_cache_state(file.fd());
  CHECK(range_state.dirty == 0);
  CHECK(range_state.writeback == 0);
  CHECK(after_range == before_range);  // written, waited for — and no flush

  dirty_all();
  const auto before_msync = flushes();
  REQUIRE(::msync(file.bytes().data(), file.size(), MS_SYNC) == 0);
  const auto msync_state = mbe::page_cache_state(file.fd());
  CHECK(msync_state.dirty == 0);
  CHECK(msync_state.writeback == 0);
  CHECK(flushes() >= before_msync + 1);  // the difference: a cache flush
}

TEST_CASE("msync MS_SYNC on a clean range succeeds") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  CHECK(::msync(file.bytes().data(), file.size(), MS_SYNC) == 0);  // never touched
  file.bytes()[0] = std::byte{1};
  CHECK(::msync(file.bytes().data(), file.size(), MS_SYNC) == 0);
  CHECK(::msync(file.bytes().data(), file.size(), MS_SYNC) == 0);  // again, nothing dirty
  CHECK(mbe::page_cache_state(file.fd()).dirty == 0);
}

TEST_CASE("commit_state leaves the file clean and a fresh process reads the commit") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto path = dir.file("state.bin");
  const auto first =
      run_program({MBE_PROGRAM_COMMIT_STATE, path.string(), "--add", "5", "--note", "hello"});
  REQUIRE(first.exited_with(0));
  CHECK(first.out == "committed: counter=5 commits=1 note=\"hello\"\n");
  REQUIRE(run_program({MBE_PROGRAM_COMMIT_STATE, path.string(), "--add", "2"}).exited_with(0));

  // durable: nothing of the file is left only in RAM
  const auto durable = run_program({MBE_PROGRAM_DURABLE_YET, path.string()});
  CHECK(durable.exited_with(0));
  CHECK(durable.out.find("dirty 0, writeback 0: clean") != std::string::npos);

  // a fresh process reads exactly what was committed, through a mapping...
  const auto read = run_program({MBE_PROGRAM_READ_STATE, path.string()});
  REQUIRE(read.exited_with(0));
  CHECK(read.out == "counter: 7\ncommits: 2\nnote:    \"hello\"\n");
  // ...and so does read(): same bytes, same layout
  const auto state = state_in(path);
  CHECK(state.magic == ch01::state_magic);
  CHECK(state.version == ch01::state_version);
  CHECK(state.counter == 7);
  CHECK(state.commits == 2);
  CHECK(std::string(state.note) == "hello");
}

TEST_CASE("durable_yet reports dirty pages as not durable") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), mbe::page_size());
  file.bytes()[0] = std::byte{1};
  const auto dirty = run_program({MBE_PROGRAM_DURABLE_YET, file.path().string()});
  CHECK(dirty.exited_with(3));
  CHECK(dirty.out.find("dirty 1") != std::string::npos);
  REQUIRE_FALSE(file.sync_all());
  CHECK(run_program({MBE_PROGRAM_DURABLE_YET, file.path().string()}).exited_with(0));
}

TEST_CASE("read_state refuses bad files with a clear message and leaves them unchanged") {
  ScratchDir dir;
  ch01::AppState wrong_version{ch01::state_magic, 99, 1, 1, "x"};
  std::string wrong_version_bytes(sizeof wrong_version, '\0');
  std::memcpy(wrong_version_bytes.data(), &wrong_version, sizeof wrong_version);
  ch01::AppState unterminated{ch01::state_magic, ch01::state_version, 1, 1, {}};
  std::memset(unterminated.note, 'a', sizeof unterminated.note);
  std::string unterminated_bytes(sizeof unterminated, '\0');
  std::memcpy(unterminated_bytes.data(), &unterminated, sizeof unterminated);

  const struct {
    const char* name;
    std::string contents;
    std::string message;
  } cases[] = {
      {"empty", "", "file is empty"},
      {"short", "0123456789", "file is too short: 10 bytes, a state needs 72"},
      {"foreign", std::string(100, 'z'), "not a state file (wrong magic number)"},
      {"future", wrong_version_bytes, "unsupported state version 99 (expected 1)"},
      {"corrupt", unterminated_bytes, "corrupt state: the note is not terminated"},
  };
  for (const auto& bad : cases) {
    CAPTURE(bad.name);
    const auto path = dir.file(bad.name);
    mbe::testing::write_file(path, bad.contents);
    for (const char* program : {MBE_PROGRAM_READ_STATE, MBE_PROGRAM_COMMIT_STATE}) {
      const auto run = run_program({program, path.string()});
      CHECK(run.exited_with(1));
      CHECK(run.err.find(bad.message) != std::string::npos);
      CHECK(mbe::testing::read_file(path) == bad.contents);
    }
  }
  const auto missing = run_program({MBE_PROGRAM_READ_STATE, dir.file("missing").string()});
  CHECK(missing.exited_with(1));
  CHECK(missing.err.find("ENOENT (No such file or directory)") != std::string::npos);
}

TEST_CASE("chapter 01 programs answer --help and reject bad arguments") {
  for (const char* program :
       {MBE_PROGRAM_COMMIT_STATE, MBE_PROGRAM_READ_STATE, MBE_PROGRAM_DURABLE_YET}) {
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(help.out.find("usage:") == 0);
    CHECK(run_program({program}).exited_with(2));
  }
  CHECK(run_program({MBE_PROGRAM_COMMIT_STATE, "f", "--add", "x"}).exited_with(2));
  CHECK(
      run_program({MBE_PROGRAM_COMMIT_STATE, "f", "--note", std::string(48, 'n')}).exited_with(2));
}
