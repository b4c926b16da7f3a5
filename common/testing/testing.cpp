#include "testing.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "msync/child_process.hpp"
#include "msync/errors.hpp"
#include "msync/page_cache.hpp"

extern char** environ;

namespace mbe::testing {

namespace detail {
bool any_test_skipped = false;
}

void mark_skipped(const std::string& reason) {
  detail::any_test_skipped = true;
  std::cout << "SKIPPED: " << reason << std::endl;
}

namespace {

[[noreturn]] void fail_setup(const std::string& call) {
  throw std::runtime_error("test setup failed: " + describe_error(call, last_error()));
}

std::filesystem::path scratch_root() {
  for (const char* variable : {"MBE_SCRATCH_DIR", "TMPDIR"})
    if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') return value;
  return "/var/tmp";
}

}  // namespace

ScratchDir::ScratchDir() {
  std::string pattern = (scratch_root() / "msync-by-example.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) fail_setup("mkdtemp " + pattern);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string why_dirty_pages_are_invisible(const std::filesystem::path& directory) {
  constexpr long tmpfs_magic = 0x01021994;
  struct statfs info {};
  if (::statfs(directory.c_str(), &info) != 0) return describe_error("statfs", last_error());
  if (info.f_type == tmpfs_magic)
    return directory.string() +
           " is on tmpfs, which never has dirty pages: set MBE_SCRATCH_DIR to a disk filesystem";
  PageCacheState state;
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return describe_error("open", last_error());
  const auto error = probe_page_cache(fd, 0, 0, state);
  ::close(fd);
  // A directory has no page cache of its own to report, but the call shows
  // whether the syscall exists: only ENOSYS and EPERM make the probe useless.
  if (error && (error.value() == ENOSYS || error.value() == EPERM))
    return describe_error("cachestat", error) + ": " + page_cache_probe_hint(error);
  return "";
}

namespace {

void read_both(int out_fd, int err_fd, std::string& out, std::string& err) {
  std::array<pollfd, 2> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
  std::array<char, 4096> buffer{};
  int open_streams = 2;
  while (open_streams > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      fail_setup("poll");
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        (i == 0 ? out : err).append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_streams;
      }
    }
  }
}

}  // namespace

ProcessResult wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail_setup("waitpid");
  ProcessResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

namespace {
// posix_spawn of argv with @p actions, which it destroys; returns the error number.
int spawn_with(posix_spawn_file_actions_t& actions, const std::vector<std::string>& argv,
               pid_t& pid) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int spawn_error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawn_error;
}
}  // namespace

pid_t spawn_program(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  return mbe::spawn_with_output(argv, output);
}

bool wait_until(const std::function<bool()>& condition, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

ProcessResult run_program(const std::vector<std::string>& argv) {
  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0)
    fail_setup("pipe2");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawn_error = spawn_with(actions, argv, pid);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawn_error != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("posix_spawn " + argv[0] + ": " + errno_text(spawn_error));
  }
  std::string out;
  std::string err;
  read_both(out_pipe[0], err_pipe[0], out, err);
  ProcessResult result = wait_for(pid);
  result.out = std::move(out);
  result.err = std::move(err);
  return result;
}

pid_t start_child(const std::function<int()>& body) {
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) fail_setup("fork");
  if (pid == 0) {
    int code = 1;
    try {
      code = body();
    } catch (const std::exception& e) {
      std::cerr << "child: " << e.what() << '\n';
    }
    std::cout.flush();
    std::cerr.flush();
    ::_exit(code);  // never return into doctest's machinery
  }
  return pid;
}

ProcessResult run_in_child(const std::function<int()>& body) {
  return wait_for(start_child(body));
}

std::string summary_value(const std::string& output, const std::string& key) {
  const std::string wanted = key + "=";
  for (std::size_t at = output.find(wanted); at != std::string::npos;
       at = output.find(wanted, at + 1)) {
    const bool starts_a_field = at == 0 || output[at - 1] == ' ' || output[at - 1] == '\n';
    if (!starts_a_field) continue;
    const std::size_t begin = at + wanted.size();
    const std::size_t end = output.find_first_of(" \n", begin);
    return output.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  return "";
}

std::string read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_setup("open " + path.string());
  std::string contents;
  std::array<char, 65536> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_setup("read");
    if (n == 0) break;
    contents.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return contents;
}

void write_file(const std::filesystem::path& path, const std::string& contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail_setup("open " + path.string());
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_setup("write");
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace mbe::testing
