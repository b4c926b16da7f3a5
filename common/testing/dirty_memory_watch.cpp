#include "dirty_memory_watch.hpp"

#include <chrono>
#include <fstream>
#include <map>

namespace mbe::testing {
namespace {

// The three counters of /proc/vmstat the watch needs; fewer when it cannot be read.
std::map<std::string, std::uint64_t> vmstat() {
  std::map<std::string, std::uint64_t> values;
  std::ifstream file("/proc/vmstat");
  std::string name;
  std::uint64_t value = 0;
  while (file >> name >> value)
    if (name == "nr_dirty" || name == "nr_dirty_background_threshold" || name == "nr_written")
      values[name] = value;
  return values;
}

}  // namespace

DirtyMemoryWatch::DirtyMemoryWatch() {
  written_before_pages_ = vmstat()["nr_written"];
  sampler_ = std::thread([this] {
    while (!stopping_.load()) {
      auto values = vmstat();
      if (values.size() != 3) {
        unreadable_ = true;
        return;
      }
      const auto dirty = values["nr_dirty"];
      const auto threshold = values["nr_dirty_background_threshold"];
      if (!over_threshold_ && dirty > threshold) {  // the first sample over it, for the reason
        over_threshold_ = true;
        dirty_then_pages_ = dirty;
        threshold_then_pages_ = threshold;
      }
      for (int slice = 0; slice < 10 && !stopping_.load(); ++slice)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

DirtyMemoryWatch::~DirtyMemoryWatch() {
  stop();
}

void DirtyMemoryWatch::stop() {
  stopping_.store(true);
  if (!sampler_.joinable()) return;
  sampler_.join();
  written_during_pages_ = vmstat()["nr_written"] - written_before_pages_;
}

std::string DirtyMemoryWatch::why_the_wait_was_void() {
  stop();
  std::string reason = void_wait_prefix;
  if (unreadable_) {
    reason += "/proc/vmstat has no nr_dirty, nr_dirty_background_threshold or nr_written";
    return reason;
  }
  if (over_threshold_) {
    reason += "the system's dirty pages (" + std::to_string(dirty_then_pages_);
    reason += ") went over the background writeback threshold (";
    reason += std::to_string(threshold_then_pages_) + " pages)";
  } else if (written_during_pages_ > busy_system_pages) {
    reason += "the system wrote " + std::to_string(written_during_pages_);
    reason += " pages, more than " + std::to_string(busy_system_pages) + ",";
  } else {
    return "";
  }
  reason +=
      " during the wait, so writeback was not driven by the expiry alone - run it again on a "
      "quieter system";
  return reason;
}

}  // namespace mbe::testing
