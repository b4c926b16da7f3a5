// Chapter 09 on (emulated) persistent memory, the probe: in the guest,
// ch09_dax_page_cache maps a file on a DAX filesystem and on the same
// filesystem without DAX, and says whether MAP_SYNC was accepted and how much
// of the page cache its stores dirtied (pmem_lab.hpp boots the guest). The
// tests skip (with the reason) where the lab cannot run.
#include <doctest/doctest.h>

#include <string>

#include "pmem_lab.hpp"
#include "testing.hpp"

using mbe::testing::summary_value;
using namespace ch09::testing;

namespace {

struct Probe {
  std::string unavailable, with_dax, without_dax;  // ch09_dax_page_cache's lines
};

Probe probe(const std::string& fs) {
  Probe result;
  const PreparedPmem pmem(fs);
  result.unavailable = pmem.lab.unavailable;
  if (!result.unavailable.empty()) return result;
  const std::string console = boot(pmem.lab, pmem.dir, pmem.ram, fs + "-probe", result.unavailable);
  if (!result.unavailable.empty()) return result;
  MESSAGE(console.substr(console.find("GUEST ")));
  result.with_dax = line_after(console.substr(console.find("MOUNT dax=always")), "dax=");
  result.without_dax = line_after(console.substr(console.find("MOUNT dax=never")), "dax=");
  result.with_dax = "dax=" + result.with_dax;
  result.without_dax = "dax=" + result.without_dax;
  return result;
}

void check_probe(const Probe& result) {
  INFO(result.with_dax << "\n" << result.without_dax);
  // With DAX: MAP_SYNC accepted, 16 MiB stored, no page-cache page dirty or even cached.
  CHECK(summary_value(result.with_dax, "dax") == "1");
  CHECK(summary_value(result.with_dax, "map_sync") == "accepted");
  CHECK(std::stol(summary_value(result.with_dax, "dirty_growth_kib")) < 1024);
  CHECK(std::stol(summary_value(result.with_dax, "cached_growth_kib")) < 1024);
  // The same filesystem with dax=never: refused, and every stored page dirty in the cache.
  CHECK(summary_value(result.without_dax, "dax") == "0");
  CHECK(summary_value(result.without_dax, "map_sync") == "EOPNOTSUPP");
  CHECK(std::stol(summary_value(result.without_dax, "dirty_growth_kib")) >= 12 * 1024);
}

}  // namespace

TEST_CASE(
    "on ext4 with DAX MAP_SYNC is accepted and stores leave nothing dirty in the page cache") {
  const auto result = probe("ext4");
  if (!result.unavailable.empty()) MBE_SKIP(result.unavailable);
  check_probe(result);
}

TEST_CASE("on xfs with DAX MAP_SYNC is accepted and stores leave nothing dirty in the page cache") {
  const auto result = probe("xfs");
  if (!result.unavailable.empty()) MBE_SKIP(result.unavailable);
  check_probe(result);
}
