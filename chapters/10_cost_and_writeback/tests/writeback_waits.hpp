// What chapter 10's writeback waits share: the kernel's writeback settings,
// and a program run during which the rest of the system is watched
// (common/testing/dirty_memory_watch.hpp) - a wait while the system was busy
// writing proves nothing and is skipped, saying so.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "dirty_memory_watch.hpp"
#include "testing.hpp"

namespace ch10::testing {

inline long sysctl(const char* name) {
  std::ifstream file(std::string("/proc/sys/vm/") + name);
  long value = -1;
  file >> value;
  return value;
}

// The number of @p key in a program's key=value output, or -1.
inline double number_of(const std::string& output, const std::string& key) {
  const auto value = mbe::testing::summary_value(output, key);
  return value.empty() ? -1 : std::stod(value);
}

// Expiry and flusher interval in seconds, or a reason to skip.
inline std::string why_writeback_is_not_periodic(double& expire_s, double& interval_s) {
  expire_s = static_cast<double>(sysctl("dirty_expire_centisecs")) / 100;
  interval_s = static_cast<double>(sysctl("dirty_writeback_centisecs")) / 100;
  if (interval_s <= 0) return "periodic writeback is off (vm.dirty_writeback_centisecs=0)";
  if (expire_s < 15 || expire_s > 40 || interval_s > 10)
    return "the test is written for an expiry of 15-40 s and a flusher interval up to 10 s";
  return "";
}

// Runs @p argv to a zero exit while watching the rest of the system; its
// output, or nothing when the wait proved nothing (the test is then marked
// skipped, with the reason: the caller returns).
inline std::optional<std::string> run_watched(const std::vector<std::string>& argv) {
  mbe::testing::DirtyMemoryWatch watch;
  const auto run = mbe::testing::run_program(argv);
  INFO(run.out);
  REQUIRE(run.exited_with(0));
  if (const auto why_void = watch.why_the_wait_was_void(); !why_void.empty()) {
    mbe::testing::mark_skipped(why_void);
    return std::nullopt;
  }
  return run.out;
}

}  // namespace ch10::testing
