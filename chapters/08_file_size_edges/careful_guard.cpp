// The careful SIGBUS guard. Every detail is there for a reason:
//   * the jump buffer and the armed range are per thread: a fault in another
//     thread must not jump into this one's stack;
//   * `armed` is volatile and fenced: the compiler may neither delete the
//     store that arms the guard (the naive guard's fate) nor move the load
//     out from between arming and disarming;
//   * sigsetjmp(..., 1) saves the signal mask: siglongjmp out of the handler
//     then unblocks SIGBUS again, so the next fault is caught too;
//   * the handler checks si_code and si_addr, and gives any other SIGBUS its
//     default action instead of jumping somewhere it does not belong.
#include <setjmp.h>
#include <signal.h>

#include <atomic>
#include <csignal>

#include "sigbus_guard.hpp"

namespace ch08 {
namespace {

thread_local sigjmp_buf jump_back;
thread_local volatile std::sig_atomic_t armed = 0;
thread_local const volatile std::uint64_t* volatile guarded_word = nullptr;

void on_sigbus(int, siginfo_t* info, void*) {
  const auto* fault = static_cast<const char*>(info->si_addr);
  const auto* word = reinterpret_cast<const volatile char*>(guarded_word);
  if (armed != 0 && (info->si_code == BUS_ADRERR || info->si_code == BUS_OBJERR) &&
      word != nullptr && fault >= word && fault < word + sizeof(std::uint64_t))
    siglongjmp(jump_back, 1);
  // Not our fault: default action, and returning re-runs the faulting access.
  std::signal(SIGBUS, SIG_DFL);
}

}  // namespace

void install_careful_guard() {
  struct sigaction action {};
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, nullptr);
}

// [careful]
std::optional<std::uint64_t> read_guarded(const std::uint64_t* at) {
  guarded_word = at;
  if (sigsetjmp(jump_back, 1) != 0) {  // 1: save and restore the signal mask
    armed = 0;
    return std::nullopt;
  }
  armed = 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);  // keep the load after arming
  const std::uint64_t value = *static_cast<const volatile std::uint64_t*>(at);
  std::atomic_signal_fence(std::memory_order_seq_cst);  // ... and before disarming
  armed = 0;
  return value;
}
// [careful]

}  // namespace ch08
