// Waking only sleepers without ever losing a wake-up: one futex word, with a
// "sleeper" bit (bit 0) beside a generation that each wake-up advances.
//
//   producer                            follower
//   committed = n      (seq_cst store)  wake_word |= sleeper  (seq_cst CAS: "I will sleep")
//   wake_word has the sleeper bit?      committed > seen?     (seq_cst load)
//     (seq_cst load)                      no: FUTEX_WAIT(wake_word, the value it set)
//     yes: wake_word = next generation,
//          bit clear; FUTEX_WAKE all
//
// Sequential consistency forbids both loads missing the other side's write:
// either the producer sees the bit (and wakes), or the follower sees the
// record (and does not sleep). A follower that announced before an earlier
// wake-up finds the generation changed, so FUTEX_WAIT returns at once
// (EAGAIN) and it announces again. One wake-up serves every follower asleep
// on the word; until one announces again, later records cost no system call
// — and a follower killed in its sleep costs at most one. FUTEX_WAIT/WAKE
// without FUTEX_PRIVATE_FLAG: the word lives in a shared file mapping, keyed
// by (inode, offset), so processes meet on it.
#include "record_wakeup.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>

namespace ch05 {
namespace {
constexpr std::uint32_t sleeper_bit = 1;
}  // namespace

std::optional<WakePolicy> parse_wake_policy(std::string_view name) {
  if (name == "sleepers") return WakePolicy::sleepers_only;
  if (name == "every") return WakePolicy::every_record;
  return std::nullopt;
}

std::string_view wake_policy_name(WakePolicy policy) {
  return policy == WakePolicy::every_record ? "every" : "sleepers";
}

// [wake]
bool wake_followers(FileHeader& header, WakePolicy policy) {
  const std::atomic_ref word(header.wake_word);
  // seq_cst: this load cannot move before the caller's seq_cst store of the count.
  std::uint32_t current = word.load(std::memory_order_seq_cst);
  if (policy == WakePolicy::sleepers_only && (current & sleeper_bit) == 0)
    return false;  // nobody sleeps, nobody is about to: no system call
  // Next generation, bit clear: a follower between its check and FUTEX_WAIT returns at once.
  while (!word.compare_exchange_weak(current, (current & ~sleeper_bit) + 2,
                                     std::memory_order_seq_cst)) {
  }
  ::syscall(SYS_futex, &header.wake_word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
  return true;
}
// [wake]

// [wait]
WaitResult wait_for_records(FileHeader& header, std::uint64_t seen,
                            std::chrono::milliseconds timeout, std::chrono::microseconds spin) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto spin_until = std::chrono::steady_clock::now() + spin;
  const std::atomic_ref word(header.wake_word);
  for (;;) {
    // `finished` before `committed`: once finished is seen, the final count is too.
    const bool finished = load_finished(header);
    if (load_committed(header) > seen) return WaitResult::more_records;
    if (finished) return WaitResult::finished;
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return WaitResult::timed_out;
    if (std::chrono::steady_clock::now() < spin_until)
      continue;  // spinning: not announced, never woken

    std::uint32_t expected = word.load(std::memory_order_seq_cst);
    if ((expected & sleeper_bit) == 0 &&
        !word.compare_exchange_strong(expected, expected | sleeper_bit, std::memory_order_seq_cst))
      continue;               // the word moved under us: look again
    expected |= sleeper_bit;  // announced (by us or another follower) on this generation
    if (std::atomic_ref(header.finished).load(std::memory_order_seq_cst) == 0 &&
        std::atomic_ref(header.committed).load(std::memory_order_seq_cst) <= seen) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
      const timespec relative{static_cast<time_t>(seconds.count()),
                              static_cast<long>(std::chrono::nanoseconds(left - seconds).count())};
      // Returns at a wake, at once if the word changed (EAGAIN), at the
      // timeout or at a signal: the loop looks again in every case.
      ::syscall(SYS_futex, &header.wake_word, FUTEX_WAIT, expected, &relative, nullptr, 0);
    }
  }
}
// [wait]

}  // namespace ch05
