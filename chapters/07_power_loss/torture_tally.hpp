// What ch07_plug_torture counts: the pulls on one filesystem (or on all),
// the acknowledged records they lost, the recovered filesystems that were
// not clean, and how long it took; printed as one key=value line.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "guest_lab.hpp"

namespace ch07 {

// What the pulls on one filesystem (or on all) showed.
struct Tally {
  std::uint64_t pulls = 0, acknowledged = 0, lost = 0, unclean = 0;
  void add(const TrialResult& result) {
    ++pulls;
    acknowledged += result.survivors.acknowledged;
    lost += result.survivors.acknowledged - result.survivors.survived;
    unclean += result.filesystem_clean ? 0 : 1;
  }
  void merge(const Tally& other) {
    pulls += other.pulls;
    acknowledged += other.acknowledged;
    lost += other.lost;
    unclean += other.unclean;
  }
};

inline void print_tally(std::string_view filesystem, const Tally& tally, double seconds) {
  std::printf(
      "torture filesystem=%.*s pulls=%llu total_acknowledged=%llu total_lost=%llu "
      "unclean_filesystems=%llu seconds=%.0f\n",
      static_cast<int>(filesystem.size()), filesystem.data(),
      static_cast<unsigned long long>(tally.pulls),
      static_cast<unsigned long long>(tally.acknowledged),
      static_cast<unsigned long long>(tally.lost), static_cast<unsigned long long>(tally.unclean),
      seconds);
  std::fflush(stdout);
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace ch07
