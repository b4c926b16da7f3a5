// Running the tools of the lab, and the guest itself: boot qemu, watch its
// serial console line by line, pull the plug (SIGKILL) at the chosen moment.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "guest_lab.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"

extern char** environ;

namespace ch07 {

namespace {

// posix_spawn of @p argv with stdin from /dev/null and stdout+stderr to
// @p output_fd; returns the pid, or -1.
pid_t spawn_with_output(const std::vector<std::string>& argv, int output_fd) {
  std::vector<char*> args;
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
  return error == 0 ? pid : -1;
}

// Takes the complete lines out of @p pending ("\r\n" from the console) and
// notes what they say. A line cut by the plug stays pending and never counts.
void take_lines(std::string& pending, ConsoleReport& report) {
  std::size_t end;
  while ((end = pending.find('\n')) != std::string::npos) {
    std::string line = pending.substr(0, end);
    pending.erase(0, end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "READY") report.ready = true;
    else if (line.starts_with("GUEST ") && line.find("kernel=") != std::string::npos)
      report.kernel = line.substr(line.find("kernel=") + 7);
    else if (line.starts_with("LAB ERROR")) report.lab_error = line;
    // A garbled number is no ACK (std::stoull threw out of here on one).
    else if (const auto n = line.starts_with("ACK ")
                                ? mbe::parse_number(std::string_view(line).substr(4))
                                : std::nullopt)
      report.acknowledged = std::max(report.acknowledged, *n);
    else if (line == "DONE") report.done = true;
  }
}

}  // namespace

std::filesystem::path find_tool(std::string_view tool) {
  const char* path_variable = std::getenv("PATH");
  std::string search = std::string(path_variable ? path_variable : "") + ":/usr/sbin:/sbin";
  for (std::size_t start = 0, colon; start <= search.size(); start = colon + 1) {
    colon = search.find(':', start);
    if (colon == std::string::npos) colon = search.size();
    const auto candidate = std::filesystem::path(search.substr(start, colon - start)) / tool;
    if (colon > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

int run_tool(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  const int output_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output_fd < 0) return -1;
  const pid_t pid = spawn_with_output(argv, output_fd);
  ::close(output_fd);
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

ConsoleReport boot_and_pull(const Guest& guest, const Trial& trial,
                            const std::vector<std::string>& drive_arguments) {
  ConsoleReport report;
  std::vector<std::string> argv = {
      find_tool("qemu-system-x86_64"), "-accel", "tcg", "-m", "256", "-smp", "1", "-nodefaults",
      "-no-user-config", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
      "-kernel", guest.kernel, "-initrd", trial.work / "initrd.cpio", "-append",
      "console=ttyS0 quiet panic=-1 mbe.mode=" + trial.mode + " mbe.records=" + std::to_string(trial.records) +
          " mbe.writeback=" + (trial.guest_writeback ? "on" : "off")};
  argv.insert(argv.end(), drive_arguments.begin(), drive_arguments.end());
  int console[2];
  if (::pipe2(console, O_CLOEXEC) != 0) {
    report.lab_error = mbe::describe_error("pipe2", mbe::last_error());
    return report;
  }
  const pid_t qemu = spawn_with_output(argv, console[1]);
  ::close(console[1]);
  if (qemu < 0) {
    ::close(console[0]);
    report.lab_error = "could not start qemu";
    return report;
  }

  std::ofstream log(trial.work / "console.log", std::ios::binary);
  std::string pending;
  const auto take_output = [&](const char* chunk, ssize_t got) {  // into the log, then line by line
    log.write(chunk, got);
    pending.append(chunk, static_cast<std::size_t>(got));
    take_lines(pending, report);
  };
  const auto started = std::chrono::steady_clock::now();
  const auto ack_deadline = started + trial.boot_timeout + std::chrono::seconds(300);
  bool qemu_alive = true;
  // [pull]
  while (qemu_alive) {
    const auto now = std::chrono::steady_clock::now();
    if (!report.ready && now > started + trial.boot_timeout) {
      report.timed_out_booting = true;
      break;
    }
    if (now > ack_deadline && report.lab_error.empty())
      report.lab_error = "no ACK " + std::to_string(trial.pull_after_ack) + " and no DONE within 300 s";
    if (!report.lab_error.empty()) break;
    if (report.acknowledged >= trial.pull_after_ack || report.done) {
      std::this_thread::sleep_for(trial.pull_delay);
      break;  // the moment has come
    }
    pollfd watch{console[0], POLLIN, 0};
    if (::poll(&watch, 1, 100) <= 0) continue;
    char chunk[4096];
    const ssize_t got = ::read(console[0], chunk, sizeof chunk);
    if (got <= 0) qemu_alive = false;  // qemu ended by itself: an error, see below
    else
      take_output(chunk, got);
  }
  ::kill(qemu, SIGKILL);  // the plug
  // [pull]
  int status = 0;
  ::waitpid(qemu, &status, 0);
  // Lines printed before the kill are still in the pipe: they count too.
  char chunk[4096];
  ssize_t got;
  while ((got = ::read(console[0], chunk, sizeof chunk)) > 0) take_output(chunk, got);
  ::close(console[0]);
  if (!qemu_alive && report.lab_error.empty())
    report.lab_error = "qemu exited before the plug was pulled (see " + (trial.work / "console.log").string() + ")";
  return report;
}

}  // namespace ch07
