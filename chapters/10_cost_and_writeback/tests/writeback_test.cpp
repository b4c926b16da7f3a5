// Chapter 10: the kernel's periodic writeback, watched. These tests wait for
// it: each takes about 35-45 s of mostly sleeping.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
long sysctl(const char* name) {
  std::ifstream file(std::string("/proc/sys/vm/") + name);
  long value = -1;
  file >> value;
  return value;
}

// The number after "key=" in @p output, or -1.
double value_of(const std::string& output, const std::string& key) {
  const auto at = output.find(key + "=");
  return at == std::string::npos ? -1 : std::stod(output.substr(at + key.size() + 1));
}

// Expiry and flusher interval in seconds, or a reason to skip.
std::string why_writeback_is_not_periodic(double& expire_s, double& interval_s) {
  expire_s = static_cast<double>(sysctl("dirty_expire_centisecs")) / 100;
  interval_s = static_cast<double>(sysctl("dirty_writeback_centisecs")) / 100;
  if (interval_s <= 0) return "periodic writeback is off (vm.dirty_writeback_centisecs=0)";
  if (expire_s < 15 || expire_s > 40 || interval_s > 10)
    return "the test is written for an expiry of 15-40 s and a flusher interval up to 10 s";
  return "";
}
}  // namespace

TEST_CASE("dirty pages nobody syncs are written back by expiry of the file and not of each page") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  double expire = 0, interval = 0;
  if (const auto why_not = why_writeback_is_not_periodic(expire, interval); !why_not.empty()) MBE_SKIP(why_not);
  // Page 1 is stored one flusher interval + 5 s after page 0, so even when page 0
  // waits a whole interval past its expiry, page 1 is then 5 s short of its own.
  const int second_store_after = static_cast<int>(interval) + 5;
  const auto run = run_program({MBE_PROGRAM_WRITEBACK_TIMELINE, dir.file("f").string(), "--seconds",
                                std::to_string(static_cast<int>(expire + interval + 15)), "--second-store-after",
                                std::to_string(second_store_after)});
  REQUIRE(run.exited_with(0));
  INFO(run.out);
  const double page0 = value_of(run.out, "page0_dirty_s");
  const double page1 = value_of(run.out, "page1_dirty_s");
  // Page 0: written once the file's dirty time passed the expiry, at a flusher wake-up.
  CHECK(page0 >= expire - 0.5);
  CHECK(page0 <= expire + interval + 5);
  // Page 1 went in the same pass, before its own expiry: expiry is kept per inode.
  CHECK(page1 >= 0);
  CHECK(page1 < expire - 2);
  CHECK(page0 - page1 == doctest::Approx(second_store_after).epsilon(0.1));
}

TEST_CASE("a page rewritten without pause is written back about once per expiry interval") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  double expire = 0, interval = 0;
  if (const auto why_not = why_writeback_is_not_periodic(expire, interval); !why_not.empty()) MBE_SKIP(why_not);
  const int seconds = static_cast<int>(expire + interval + 10);
  const auto run = run_program({MBE_PROGRAM_WRITEBACK_TIMELINE, dir.file("f").string(), "--rewrite-every-ms", "50",
                                "--seconds", std::to_string(seconds)});
  REQUIRE(run.exited_with(0));
  INFO(run.out);
  // Not every flusher wake-up (that would be about seconds / interval times) ...
  CHECK(value_of(run.out, "writebacks") >= 1);
  CHECK(value_of(run.out, "writebacks") <= 2);
  // ... but once the file has been dirty for the expiry interval.
  CHECK(value_of(run.out, "first_writeback_s") >= expire - 0.5);
}
