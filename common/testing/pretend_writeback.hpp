/// @file pretend_writeback.hpp
/// @brief Fault injection for the exercise checks: make cachestat(2) report
/// pages under writeback (written, not yet on the disk) on demand — a state
/// that lasts microseconds on a real disk, too short to test against.
#pragma once

namespace mbe::testing {

/// @brief While it lives, the next @p probes cachestat(2) calls of this
/// process report their dirty pages (at least one) as under writeback
/// instead: "the I/O has started and not finished". Later calls are real.
/// Works by defining `mbe_cachestat()` in the test program, which replaces
/// the library's weak one: the same system call, then the answer adjusted.
class PretendWriteback {
 public:
  explicit PretendWriteback(int probes);
  ~PretendWriteback();
  PretendWriteback(const PretendWriteback&) = delete;
  PretendWriteback& operator=(const PretendWriteback&) = delete;
  /// @brief cachestat calls made since construction (pretended or real).
  [[nodiscard]] int probes_seen() const noexcept;
};

}  // namespace mbe::testing
