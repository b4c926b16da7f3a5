// Child processes: posix_spawn with the output redirected, and waitpid.
#include "msync/child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "msync/errors.hpp"

extern char** environ;

namespace mbe {

pid_t spawn_with_output(const std::vector<std::string>& argv, int output_fd, int input_fd) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The output first: were output_fd 0 (our standard input closed), opening
  // /dev/null there first would replace it.
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDERR_FILENO);
  if (input_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, input_fd, STDIN_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    throw_error("posix_spawn " + argv[0], std::error_code(error, std::generic_category()));
  return pid;
}

pid_t spawn_with_output(const std::vector<std::string>& argv, const std::filesystem::path& output,
                        int input_fd) {
  // O_CLOEXEC: the child gets the file by dup2 only, and no other child gets it.
  const int output_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (output_fd < 0) throw_errno("open " + output.string());
  pid_t pid = -1;
  try {
    pid = spawn_with_output(argv, output_fd, input_fd);
  } catch (...) {
    ::close(output_fd);
    throw;
  }
  ::close(output_fd);
  return pid;
}

int wait_status(pid_t pid, std::string_view name) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw_errno("waitpid " + std::string(name));
  return status;
}

std::string read_all(const std::filesystem::path& path) {
  std::ostringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

}  // namespace mbe
