// The lab's host tools (mkfs, e2fsck, debugfs, cp, qemu): found in PATH or
// the sbin directories, run with their output in a file, waited for.
#include "lab_tools.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "msync/errors.hpp"

extern char** environ;

namespace ch07 {

pid_t spawn_with_output(const std::vector<std::string>& argv, int output_fd) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDERR_FILENO);
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    mbe::throw_error("posix_spawn " + argv[0], std::error_code(error, std::generic_category()));
  return pid;
}

int wait_status(pid_t pid, const std::string& name) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) mbe::throw_errno("waitpid " + name);
  return status;
}

std::filesystem::path find_tool(std::string_view tool) {
  const char* path_variable =
      std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): no thread sets it
  std::string search =
      std::string(path_variable != nullptr ? path_variable : "") + ":/usr/sbin:/sbin";
  for (std::size_t start = 0, colon; start <= search.size(); start = colon + 1) {
    colon = search.find(':', start);
    if (colon == std::string::npos) colon = search.size();
    auto candidate = std::filesystem::path(search.substr(start, colon - start)) / tool;
    if (colon > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

int run_tool(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  const int output_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output_fd < 0) mbe::throw_errno("open " + output.string());
  pid_t pid = -1;
  try {
    pid = spawn_with_output(argv, output_fd);
  } catch (...) {
    ::close(output_fd);
    throw;
  }
  ::close(output_fd);
  const int status = wait_status(pid, argv[0]);
  if (!WIFEXITED(status))
    throw mbe::Error(argv[0] + " died of signal " + std::to_string(WTERMSIG(status)),
                     std::make_error_code(std::errc::interrupted));
  return WEXITSTATUS(status);
}

}  // namespace ch07
