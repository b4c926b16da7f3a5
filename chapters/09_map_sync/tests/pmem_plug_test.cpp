// Chapter 09 on (emulated) persistent memory, the plug: one store into a new
// block through a MAP_SYNC or a plain MAP_SHARED mapping, then kill -9 of
// qemu, and the next boot on the same memory reads what survived
// (pmem_lab.hpp boots the guest). The tests skip (with the reason) where the
// lab cannot run.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "pmem_lab.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::summary_value;
using namespace ch09::testing;

namespace {

struct Stores {
  std::string unavailable;
  int intact = 0, zeros = 0, other = 0;
};

// @p count plug pulls, each @p pull_delay after one store into a new block
// with @p map (sync or shared); each next boot reads what the last one
// stored. @p timers: leave the filesystem's own commit timers on.
Stores pull_after_stores(const std::string& fs, const std::string& map, int count = trials,
                         std::chrono::seconds pull_delay = std::chrono::seconds(0),
                         bool timers = false) {
  Stores stores;
  const PreparedPmem pmem(fs);
  stores.unavailable = pmem.lab.unavailable;
  if (!stores.unavailable.empty()) return stores;
  for (int n = 1; n <= count + 1; ++n) {
    const std::string mode = fs + "-" + (n <= count ? map : "none") + "-" + std::to_string(n) +
                             (timers ? "-timers" : "");
    const std::string console =
        boot(pmem.lab, pmem.dir, pmem.ram, mode, stores.unavailable, pull_delay);
    if (!stores.unavailable.empty()) return stores;
    INFO(console);
    REQUIRE(contains(console, "dax_capable=1"));
    if (n <= count) REQUIRE(contains(console, "\nACK 1\n"));
    if (n == 1) continue;
    const std::string found = line_after(console, "FOUND trial=" + std::to_string(n - 1) + " ");
    REQUIRE(!found.empty());
    MESSAGE(fs << " " << map << " trial " << n - 1 << ": " << found);
    const std::string stored = summary_value(found, "stored");
    stores.intact += stored == "intact";
    stores.zeros += stored == "zeros";
    stores.other += stored == "other";
  }
  MESSAGE(fs << " " << map << ": intact " << stores.intact << ", zeros " << stores.zeros
             << ", other " << stores.other << " of " << count);
  return stores;
}

}  // namespace

TEST_CASE("on ext4 with DAX a MAP_SYNC store into a new block survives the plug without msync") {
  const auto stores = pull_after_stores("ext4", "sync");
  if (!stores.unavailable.empty()) MBE_SKIP(stores.unavailable);
  CHECK(stores.intact == trials);
}

TEST_CASE("on xfs with DAX a MAP_SYNC store into a new block survives the plug without msync") {
  const auto stores = pull_after_stores("xfs", "sync");
  if (!stores.unavailable.empty()) MBE_SKIP(stores.unavailable);
  CHECK(stores.intact == trials);
}

TEST_CASE("on ext4 with DAX a plain MAP_SHARED store into a new block is lost with the plug") {
  const auto stores = pull_after_stores("ext4", "shared");
  if (!stores.unavailable.empty()) MBE_SKIP(stores.unavailable);
  CHECK(stores.zeros == trials);  // the block's allocation was never committed: a hole again
}

TEST_CASE("on xfs with DAX a plain MAP_SHARED store into a new block is lost with the plug") {
  const auto stores = pull_after_stores("xfs", "shared");
  if (!stores.unavailable.empty()) MBE_SKIP(stores.unavailable);
  CHECK(stores.zeros == trials);
}

TEST_CASE(
    "on ext4 with DAX and its journal timer on a plain MAP_SHARED store survives only a later "
    "plug") {
  constexpr int pulls = 3;
  const auto at_once = pull_after_stores("ext4", "shared", pulls, std::chrono::seconds(0), true);
  if (!at_once.unavailable.empty()) MBE_SKIP(at_once.unavailable);
  CHECK(at_once.zeros == pulls);  // the 5 s commit had not run yet
  const auto later = pull_after_stores("ext4", "shared", pulls, std::chrono::seconds(8), true);
  if (!later.unavailable.empty()) MBE_SKIP(later.unavailable);
  CHECK(later.intact == pulls);  // it had: the allocation was in the journal
}
