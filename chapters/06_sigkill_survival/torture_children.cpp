// Watching sigkill_torture's children: see torture_children.hpp.
#include "torture_children.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <system_error>
#include <thread>

namespace ch06 {

void wait_for_file(const std::filesystem::path& file, pid_t producer) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::error_code ignored;
  auto still_running = [producer] {  // WNOWAIT: look, but leave it to be reaped later
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(producer), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == 0;
  };
  while (!std::filesystem::exists(file, ignored) && std::chrono::steady_clock::now() < deadline &&
         still_running())
    std::this_thread::sleep_for(std::chrono::microseconds(50));
}

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace ch06
