// What chapter 05's benchmarks share: a follower process that timestamps
// every record it sees (sleeping on the futex or spinning), pre-faulting a
// new record file, and min / median / max.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "record_stream.hpp"

namespace ch05::bench {

/// How a follower waits for the next record.
enum class FollowStyle {
  sleeping,  ///< wait_for_records(): FUTEX_WAIT when nothing is new
  spinning,  ///< reloads the counter in a loop: no system call, a whole CPU
  adaptive,  ///< spins for up to adaptive_spin, then sleeps as `sleeping` does
};
inline constexpr std::chrono::microseconds adaptive_spin{20};
std::optional<FollowStyle> parse_follow_style(std::string_view name);
std::string_view follow_style_name(FollowStyle style);

/// What a follower measured: each record's age when it was first seen
/// (now − written_ns), and the CPU time it burned (getrusage).
struct FollowerReport {
  double p50_us = 0, p99_us = 0, max_us = 0;
  double cpu_s = 0;   ///< user + system CPU seconds of the follower process
  double wall_s = 0;  ///< from its start to the producer's finish
};

/// A forked follower of the record file at a path; start() returns once it
/// has mapped and checked the file (so its start-up is not timed).
class Follower {
 public:
  static Follower start(const std::filesystem::path& path, std::uint64_t records,
                        FollowStyle style);
  /// Waits for the follower's end; throws unless it saw all records and the finish.
  FollowerReport finish();
  Follower(Follower&& other) noexcept;
  Follower& operator=(Follower&&) = delete;
  ~Follower();  // kills a follower that was not finished (an exception on the way)

 private:
  Follower(pid_t pid, int results_fd) : pid_(pid), results_fd_(results_fd) {}
  pid_t pid_ = -1;
  int results_fd_ = -1;
};

/// How a new record file's pages are made ready before the first record.
enum class Prefault {
  none,      ///< each page faults on its first store (fresh page-cache page, zeroed)
  populate,  ///< madvise(MADV_POPULATE_WRITE): every page faulted in, writable, up front
  allocate,  ///< fallocate(): disk blocks reserved; the pages still fault on first store
};
std::optional<Prefault> parse_prefault(std::string_view name);
std::string_view prefault_name(Prefault prefault);
/// Applies @p prefault to the producer's file; throws mbe::Error naming the call.
void apply_prefault(const RecordProducer& producer, Prefault prefault);

/// "min / median / max" of @p values with @p decimals decimals.
std::string min_median_max(std::vector<double> values, int decimals = 0);
double median(std::vector<double> values);
double percentile(std::vector<double> values, double fraction);

}  // namespace ch05::bench
