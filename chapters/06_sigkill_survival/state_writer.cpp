// state_writer — the seed question, asked for real: update a state struct in
// a MAP_SHARED file, never call msync, and get killed with SIGKILL.
//
// Usage: ch06_state_writer FILE [--updates N] [--kill-self-after N] [--report]
//
// Creates FILE (it must not exist) holding a CounterState, then updates it N
// times (default 0: until killed). With --kill-self-after K it sends itself
// SIGKILL right after update K: no destructor, no munmap, no exit handler
// runs. With --report it prints "stored n" after each update, with write(2),
// so a parent knows what had been stored before it killed the writer.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <string>
#include <string_view>

#include "counter_state.hpp"
#include "msync/cli.hpp"
#include "msync/mapped_file.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch06_state_writer FILE [--updates N] [--kill-self-after K] [--report]\n"
    "  Creates FILE and updates its counter N times (default 0 = until killed),\n"
    "  never calling msync. --kill-self-after K: SIGKILL itself after update K.\n"
    "  --report: print \"stored n\" after each update.\n";

void report(std::uint64_t counter) {
  mbe::print_line("stored " + std::to_string(counter));
}
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t updates = 0, kill_self_after = 0;
  bool print_reports = false;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::number("--updates", updates, 0, UINT64_MAX / 4),
           mbe::Option::number("--kill-self-after", kill_self_after, 1, UINT64_MAX / 4),
           mbe::Option::toggle("--report", print_reports)}))
    return *exit_status;

  try {
    auto file = mbe::MappedFile::create(path, sizeof(ch06::CounterState));
    auto& state = file.object<ch06::CounterState>();
    state.magic = ch06::counter_magic;
    // [update]
    for (std::uint64_t n = 1; updates == 0 || n <= updates; ++n) {
      // Two stores into the page cache, no msync. atomic_ref makes the compiler
      // emit each one here: a plain store could wait in a register, and a
      // store that never left the CPU survives nothing.
      std::atomic_ref(state.counter).store(n, std::memory_order_relaxed);
      std::atomic_ref(state.total)
          .store(state.total + n, std::memory_order_relaxed);  // a kill can land between
      if (print_reports) report(n);
      if (n == kill_self_after) ::kill(::getpid(), SIGKILL);  // nothing after this line runs
    }
    // [update]
    std::cout << "updated " << state.counter << " times, no msync\n";
  } catch (const std::exception& error) {
    std::cerr << "ch06_state_writer: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
