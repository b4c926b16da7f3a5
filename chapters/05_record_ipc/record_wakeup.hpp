// Waking followers only when one sleeps: both halves of the handshake between
// chapter 05's producer and its followers, on two words of the shared header
// (`committed`, and `wake_word` with its sleeper bit).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "record_format.hpp"

namespace ch05 {

/// When the producer makes the FUTEX_WAKE system call.
enum class WakePolicy {
  sleepers_only,  ///< only when a follower has announced that it sleeps (the default)
  every_record,   ///< after every publish, whether anyone sleeps or not (the old way, for
                  ///< comparison)
};
std::optional<WakePolicy> parse_wake_policy(std::string_view name);
std::string_view wake_policy_name(WakePolicy policy);

/// The producer's half, called after it published a count or the finish flag
/// with a seq_cst store. Wakes every follower asleep on the header, if any
/// announced itself (or always, under WakePolicy::every_record). Returns true
/// when it made the system call.
bool wake_followers(FileHeader& header, WakePolicy policy);

/// What a follower's wait ended with.
enum class WaitResult { more_records, finished, timed_out };

/// The follower's half: waits until @p header counts more than @p seen
/// committed records, or the producer has finished, or @p timeout passes.
/// Before it sleeps on the futex it sets the sleeper bit of `header.wake_word`, so
/// the header must be mapped writable (the records need not be). With @p spin
/// it first re-reads the counter for up to that long: a record arriving
/// within it costs neither side a system call.
WaitResult wait_for_records(FileHeader& header, std::uint64_t seen,
                            std::chrono::milliseconds timeout,
                            std::chrono::microseconds spin = std::chrono::microseconds(0));

}  // namespace ch05
