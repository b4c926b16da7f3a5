#include "torture_children.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "msync/errors.hpp"

extern char** environ;

namespace ch06 {

pid_t spawn_to_file(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // No O_CLOEXEC here: this descriptor becomes the child's standard output.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    mbe::throw_error("posix_spawn " + argv[0], std::error_code(error, std::generic_category()));
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) mbe::throw_errno("waitpid");
  return status;
}

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

std::string contents_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ch06
