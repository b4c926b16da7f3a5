// Waking only sleepers without ever losing a wake-up (the Dekker pattern).
//
//   producer                                follower
//   committed = n     (seq_cst store)       waiters += 1      (seq_cst RMW)
//   waiters == 0 ?    (seq_cst load)        word = wake_word
//     no: wake_word += 1; FUTEX_WAKE        committed > seen? (seq_cst load)
//                                             no: FUTEX_WAIT(wake_word, word)
//                                           waiters -= 1
//
// Sequential consistency forbids both loads missing the other side's store:
// either the producer sees the waiter (and wakes it), or the follower sees
// the record (and does not sleep). And since the producer changes wake_word
// before FUTEX_WAKE, a follower that has not reached FUTEX_WAIT yet returns
// from it at once (EAGAIN): the wake cannot fall between its check and its
// sleep. FUTEX_WAIT/WAKE without FUTEX_PRIVATE_FLAG: the word lives in a
// shared file mapping, keyed by (inode, offset), so processes meet on it.
#include "record_wakeup.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>

namespace ch05 {

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
  // seq_cst: this load is ordered after the caller's seq_cst store of the count.
  if (policy == WakePolicy::sleepers_only &&
      std::atomic_ref(header.waiters).load(std::memory_order_seq_cst) == 0)
    return false;  // nobody sleeps, nobody is about to: no system call
  // Change the word first: a follower between its check and FUTEX_WAIT then returns at once.
  std::atomic_ref(header.wake_word).fetch_add(1, std::memory_order_release);
  ::syscall(SYS_futex, &header.wake_word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
  return true;
}
// [wake]

// [wait]
WaitResult wait_for_records(FileHeader& header, std::uint64_t seen, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // `finished` before `committed`: once finished is seen, the final count is too.
    const bool finished = load_finished(header);
    if (load_committed(header) > seen) return WaitResult::more_records;
    if (finished) return WaitResult::finished;
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return WaitResult::timed_out;

    std::atomic_ref(header.waiters).fetch_add(1, std::memory_order_seq_cst);  // "I am about to sleep"
    const auto word = std::atomic_ref(header.wake_word).load(std::memory_order_acquire);
    const bool nothing_new = std::atomic_ref(header.finished).load(std::memory_order_seq_cst) == 0 &&
                             std::atomic_ref(header.committed).load(std::memory_order_seq_cst) <= seen;
    if (nothing_new) {  // the producer will see our announcement: sleep until it wakes us
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
      const timespec relative{static_cast<time_t>(seconds.count()),
                              static_cast<long>(std::chrono::nanoseconds(left - seconds).count())};
      // Returns at a wake, at once if the word changed (EAGAIN), at the
      // timeout or at a signal: the loop looks again in every case.
      ::syscall(SYS_futex, &header.wake_word, FUTEX_WAIT, word, &relative, nullptr, 0);
    }
    std::atomic_ref(header.waiters).fetch_sub(1, std::memory_order_release);
  }
}
// [wait]

}  // namespace ch05
