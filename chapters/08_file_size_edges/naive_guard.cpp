// The naive SIGBUS guard — do not copy it. It looks right and works at -O0;
// CMake compiles this file with -O2 (and without sanitizer or coverage
// instrumentation, which would hide the bug) to show what an optimiser does.
//
// `guarding = true` is followed by `guarding = false` with only a load of a
// uint64_t in between, which cannot alias a bool: for the compiler the first
// store is dead, and it deletes it. The handler then always sees false and
// the SIGBUS kills the process.
#include <setjmp.h>

#include <csignal>

#include "sigbus_guard.hpp"

namespace ch08 {
namespace {

sigjmp_buf naive_jump;
bool guarding = false;  // the bug: neither volatile nor fenced

void on_sigbus_naive(int) {
  if (guarding) siglongjmp(naive_jump, 1);
  std::signal(SIGBUS, SIG_DFL);
}

}  // namespace

void install_naive_guard() {
  std::signal(SIGBUS, on_sigbus_naive);
}

// [naive]
std::optional<std::uint64_t> read_naive(const std::uint64_t* at) {
  if (sigsetjmp(naive_jump, 1) != 0) {
    guarding = false;
    return std::nullopt;
  }
  guarding = true;  // deleted by the optimiser: a "dead store"
  const std::uint64_t value = *at;
  guarding = false;
  return value;
}
// [naive]

}  // namespace ch08
