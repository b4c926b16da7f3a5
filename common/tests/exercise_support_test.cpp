// The exercise checks' own tools, checked: store-by-store stepping stops
// after each store and nowhere else, pretended writeback changes only what it
// says, and errno values print as the collection prints them.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "pretend_writeback.hpp"
#include "store_by_store.hpp"

using mbe::testing::PageRegion;

namespace {
struct Three {
  std::uint64_t first, second, third;
};
// Three stores the compiler may neither merge nor reorder (volatile).
void store_three(Three& three) {
  auto& words = reinterpret_cast<volatile std::uint64_t(&)[3]>(three);
  words[0] = 1;
  words[1] = 2;
  words[2] = 3;
}
}  // namespace

TEST_CASE("store-by-store stepping sees each store once and in order") {
  if (!mbe::testing::can_step_stores()) MBE_SKIP("store-by-store stepping needs x86-64");
  PageRegion region(sizeof(Three));
  auto& three = region.object<Three>();
  std::vector<Three> seen;
  const auto stepped = mbe::testing::inspect_after_every_store(
      region.bytes(), [&] { store_three(three); },
      [&]() -> const char* {
        seen.push_back(three);
        return nullptr;
      });
  CHECK(stepped.trouble.empty());
  CHECK(stepped.wrong_after == 0);
  REQUIRE(stepped.stores == 3);
  REQUIRE(seen.size() == 3);
  CHECK((seen[0].first == 1 && seen[0].second == 0 && seen[0].third == 0));
  CHECK((seen[1].first == 1 && seen[1].second == 2 && seen[1].third == 0));
  CHECK((seen[2].first == 1 && seen[2].second == 2 && seen[2].third == 3));
  CHECK(three.first == 0);  // the stores were the child's: the caller's region is as it was
}

TEST_CASE("store-by-store stepping stops at the first complaint") {
  if (!mbe::testing::can_step_stores()) MBE_SKIP("store-by-store stepping needs x86-64");
  PageRegion region(sizeof(Three));
  auto& three = region.object<Three>();
  const auto stepped = mbe::testing::inspect_after_every_store(
      region.bytes(), [&] { store_three(three); },
      [&]() -> const char* { return three.second == 2 ? "second stored" : nullptr; });
  CHECK(stepped.wrong_after == 2);
  CHECK(stepped.complaint == "second stored");
  CHECK(stepped.trouble.empty());
}

TEST_CASE("store-by-store stepping reports a body that throws or crashes") {
  if (!mbe::testing::can_step_stores()) MBE_SKIP("store-by-store stepping needs x86-64");
  PageRegion region(sizeof(Three));
  const auto threw = mbe::testing::inspect_after_every_store(
      region.bytes(), [] { throw std::logic_error("TODO: not written"); }, [] { return nullptr; });
  CHECK(mbe::testing::contains(threw.trouble, "TODO: not written"));
  PageRegion forbidden(1);  // a store here faults outside the stepped region
  REQUIRE(::mprotect(forbidden.bytes().data(), forbidden.bytes().size(), PROT_NONE) == 0);
  const auto crashed = mbe::testing::inspect_after_every_store(
      region.bytes(), [&] { *reinterpret_cast<volatile int*>(forbidden.bytes().data()) = 1; },
      [] { return nullptr; });
  CHECK(mbe::testing::contains(crashed.trouble, "signal 11"));
}

TEST_CASE("pretended writeback turns dirty pages into pages under writeback for the probes asked") {
  mbe::testing::ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  auto file = mbe::MappedFile::create(dir.file("f"), 4 * mbe::page_size());
  file.bytes()[0] = std::byte{1};
  mbe::PageCacheState state;
  {
    const mbe::testing::PretendWriteback pretend(1);
    REQUIRE_FALSE(mbe::probe_page_cache(file.fd(), 0, 0, state));
    CHECK(state.dirty == 0);
    CHECK(state.writeback == 1);
    REQUIRE_FALSE(mbe::probe_page_cache(file.fd(), 0, 0, state));  // the second probe is real
    CHECK(state.dirty == 1);
    CHECK(pretend.probes_seen() == 2);
  }
  REQUIRE_FALSE(mbe::probe_page_cache(file.fd(), 0, 0, state));
  CHECK(state.dirty == 1);
}

TEST_CASE("exercise checks print errno values by name and text") {
  CHECK(doctest::toString(std::make_error_code(std::errc::invalid_argument)) ==
        "EINVAL (Invalid argument)");
  CHECK(doctest::toString(std::error_code{EBUSY, std::system_category()}) ==
        "EBUSY (Device or resource busy)");
  CHECK(doctest::toString(mbe::testing::as_error(std::errc::bad_file_descriptor)) ==
        "EBADF (Bad file descriptor)");
  CHECK(doctest::toString(std::error_code{}) == "no error");
}
