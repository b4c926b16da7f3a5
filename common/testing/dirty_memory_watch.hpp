/// @file dirty_memory_watch.hpp
/// @brief Whether the rest of the system kept the kernel's writeback busy
/// while a test waited for the periodic writeback of its own page.
///
/// The flusher writes a page once its file has been dirty for the expiry
/// interval — when nothing else drives it. Above `nr_dirty_background_threshold`
/// (vm.dirty_background_ratio of the available memory) the flusher of every
/// device writes at once, whatever the age of the pages; and while the host's
/// disk is written hard, the waits went wrong here with no sample over that
/// threshold (a 6 GB `dd` to the disk that held the loop devices' images: a
/// page was written 0.1 s after its store, not 30 s; Linux 6.18, one run). A
/// wait during which either happened proves nothing about the expiry.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace mbe::testing {

/// @brief Samples `nr_dirty` and `nr_dirty_background_threshold` of
/// /proc/vmstat every 100 ms, on a thread of its own, from construction until
/// why_the_wait_was_void() or destruction, and counts the pages the whole
/// system wrote meanwhile (`nr_written`).
class DirtyMemoryWatch {
 public:
  DirtyMemoryWatch();
  ~DirtyMemoryWatch();
  DirtyMemoryWatch(const DirtyMemoryWatch&) = delete;
  DirtyMemoryWatch& operator=(const DirtyMemoryWatch&) = delete;

  /// @brief Stops watching and returns "" when the system's dirty pages
  /// stayed at or under the background threshold in every sample (a peak
  /// shorter than 100 ms can go unseen) and the system wrote at most
  /// busy_system_pages meanwhile; else why a wait for the periodic writeback
  /// proves nothing this time: a skip reason that starts with void_wait_prefix.
  std::string why_the_wait_was_void();

  /// @brief How every reason of why_the_wait_was_void() begins: the
  /// filesystem matrix looks for it in its JUnit report.
  static constexpr const char* void_wait_prefix = "void wait: ";

  /// @brief 256 MiB of 4 KiB pages. A build beside the waits wrote about a
  /// third of that per minute here without disturbing them; a `dd` of 6 GB
  /// disturbed them.
  static constexpr std::uint64_t busy_system_pages = 65536;

 private:
  void stop();

  std::atomic<bool> stopping_{false};
  // Written by the sampler until stop(): the first sample over the threshold.
  bool over_threshold_ = false;
  std::uint64_t dirty_then_pages_ = 0;
  std::uint64_t threshold_then_pages_ = 0;
  bool unreadable_ = false;
  // nr_written at construction, and its growth until stop().
  std::uint64_t written_before_pages_ = 0;
  std::uint64_t written_during_pages_ = 0;
  std::thread sampler_;
};

}  // namespace mbe::testing
