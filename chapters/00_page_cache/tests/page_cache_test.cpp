// Chapter 00 claims, proven on the running kernel with cachestat(2).
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include <string>

#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("a new sparse file has no page in the page cache") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("state"), 8 * mbe::page_size());
  const auto state = mbe::page_cache_state(file.fd());
  CHECK(state.cached == 0);
  CHECK(state.dirty == 0);
}

TEST_CASE("the first fault caches neighbouring pages but dirties only its own") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  auto file = mbe::MappedFile::create(dir.file("state"), 8 * page);
  file.bytes()[0] = std::byte{1};
  const auto state = mbe::page_cache_state(file.fd());
  CHECK(state.dirty == 1);
  // mmap read-around (filemap_fault -> do_sync_mmap_readahead): the fault read
  // a readahead window around the faulting page in, clean. Not fault-around,
  // which only maps pages already cached and never runs on a write fault.
  CHECK(state.cached > 1);
}

// The contrast that names the mechanism: MADV_RANDOM turns mmap read-around
// off (VM_RAND_READ), and then the first store caches its own page and nothing
// else. Fault-around would not care about the advice.
TEST_CASE("the neighbours come from mmap read-around which MADV_RANDOM turns off") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  constexpr std::size_t pages = 256;
  const auto cached_after_first_store = [&](const char* name, int advice) {
    auto file = mbe::MappedFile::create(dir.file(name), pages * page);
    REQUIRE(::madvise(file.bytes().data(), file.size(), advice) == 0);
    file.bytes()[(pages / 2) * page] = std::byte{1};
    const auto state = mbe::page_cache_state(file.fd());
    CHECK(state.dirty == 1);
    return state.cached;
  };
  const auto normal = cached_after_first_store("normal", MADV_NORMAL);
  const auto random = cached_after_first_store("random", MADV_RANDOM);
  INFO("cached after the first store: MADV_NORMAL ", normal, ", MADV_RANDOM ", random);
  CHECK(normal > 1);
  CHECK(random == 1);
}

TEST_CASE("each store into a MAP_SHARED mapping dirties exactly its own page") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const std::size_t page = mbe::page_size();
  constexpr std::uint64_t pages = 8;
  auto file = mbe::MappedFile::create(dir.file("state"), pages * page);
  for (std::uint64_t i = 0; i < pages; ++i) {
    file.bytes()[i * page + 17] = std::byte{1};
    const auto state = mbe::page_cache_state(file.fd());
    CHECK(state.dirty == i + 1);
    CHECK(state.cached >=
          state.dirty);  // the first fault also reads neighbours in (read-around), clean
    // and it is precisely page i that is dirty
    CHECK(mbe::page_cache_state(file.fd(), i * page, page).dirty == 1);
  }
}

TEST_CASE("another process reads a store at once without msync") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("state"), mbe::page_size());
  const std::string text = "stored through the mapping";
  std::memcpy(file.bytes().data(), text.data(), text.size());

  const auto peek = mbe::testing::run_program({MBE_PROGRAM_PEEK, file.path().string()});
  REQUIRE(peek.exited_with(0));
  CHECK(peek.out.find("read() sees: \"" + text + "\"") != std::string::npos);
  CHECK(peek.out.find("dirty 1") != std::string::npos);
  CHECK(mbe::page_cache_state(file.fd()).dirty == 1);  // visible, yet not written back
}

TEST_CASE("munmap and close write nothing back") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto path = dir.file("state");
  const auto run = mbe::testing::run_program({MBE_PROGRAM_UNMAP_AND_EXIT, path.string(), "hello"});
  REQUIRE(run.exited_with(0));
  CHECK(run.out.find("munmap and close wrote nothing back") != std::string::npos);

  // The writer has unmapped, closed and exited: the page is still dirty.
  std::error_code error;
  auto file = mbe::MappedFile::open(path, error);
  REQUIRE_FALSE(error);
  CHECK(mbe::page_cache_state(file.fd()).dirty == 1);
  CHECK(mbe::testing::read_file(path).substr(0, 5) == "hello");
}

TEST_CASE("exit of a process with a live mapping writes nothing back") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto path = dir.file("state");
  constexpr std::uint64_t pages = 4;
  const auto child = mbe::testing::run_in_child([&] {
    auto file = mbe::MappedFile::create(path, pages * mbe::page_size());
    for (std::uint64_t i = 0; i < pages; ++i) file.bytes()[i * mbe::page_size()] = std::byte{7};
    ::_exit(0);  // leave with the mapping still in place: no munmap, no msync
    return 0;
  });
  REQUIRE(child.exited_with(0));
  auto file = mbe::MappedFile::open(path);
  CHECK(mbe::page_cache_state(file.fd()).dirty == pages);
  CHECK(file.bytes()[3 * mbe::page_size()] == std::byte{7});
}

TEST_CASE("dirty_pages prints one more dirty page after every store") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto run =
      mbe::testing::run_program({MBE_PROGRAM_DIRTY_PAGES, dir.file("f").string(), "--pages", "3"});
  REQUIRE(run.exited_with(0));
  // "after store 2:         cached   4   dirty   2   writeback   0" -> 2
  auto dirty_after = [&](const std::string& step) -> long {
    const auto line = run.out.find(step + ":");
    if (line == std::string::npos) return -1;
    const auto label = run.out.find("dirty", line);
    return label == std::string::npos ? -1 : std::stol(run.out.substr(label + 5));
  };
  CHECK(dirty_after("after create") == 0);
  CHECK(dirty_after("after store 1") == 1);
  CHECK(dirty_after("after store 2") == 2);
  CHECK(dirty_after("after store 3") == 3);
}

TEST_CASE("chapter 00 programs refuse bad input without touching files") {
  ScratchDir dir;
  const auto existing = dir.file("existing");
  mbe::testing::write_file(existing, "precious data");

  const auto dirty = mbe::testing::run_program({MBE_PROGRAM_DIRTY_PAGES, existing.string()});
  CHECK(dirty.exited_with(1));
  CHECK(dirty.err.find("open " + existing.string() + ": EEXIST (File exists)") !=
        std::string::npos);

  const auto unmap =
      mbe::testing::run_program({MBE_PROGRAM_UNMAP_AND_EXIT, existing.string(), "x"});
  CHECK(unmap.exited_with(1));
  CHECK(unmap.err.find("open: EEXIST (File exists)") != std::string::npos);
  CHECK(mbe::testing::read_file(existing) == "precious data");

  const auto peek = mbe::testing::run_program({MBE_PROGRAM_PEEK, dir.file("missing").string()});
  CHECK(peek.exited_with(1));
  CHECK(peek.err.find("open: ENOENT (No such file or directory)") != std::string::npos);

  CHECK(mbe::testing::run_program({MBE_PROGRAM_DIRTY_PAGES, "f", "--pages", "0"}).exited_with(2));
  CHECK(mbe::testing::run_program({MBE_PROGRAM_DIRTY_PAGES}).exited_with(2));
  CHECK(mbe::testing::run_program({MBE_PROGRAM_PEEK}).exited_with(2));
  for (const char* program :
       {MBE_PROGRAM_DIRTY_PAGES, MBE_PROGRAM_UNMAP_AND_EXIT, MBE_PROGRAM_PEEK}) {
    const auto help = mbe::testing::run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(help.out.find("usage:") == 0);
  }
}
