// Chapter 07's host tools: where a tool is, running one with its output in a
// file (msync/child_process.hpp starts and waits for it), and a started qemu
// that is killed should its owner give up on it. Errors throw mbe::Error.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ch07 {

/// The full path of @p tool in PATH, /usr/sbin or /sbin; empty if absent.
std::filesystem::path find_tool(std::string_view tool);

/// Runs @p argv (argv[0] a full path) with stdout and stderr to @p output and
/// returns its exit status. @throws mbe::Error when it cannot run or dies of a signal.
int run_tool(const std::vector<std::string>& argv, const std::filesystem::path& output);

/// A started qemu (or other child) that is killed (SIGKILL) and reaped when
/// it goes out of scope unreaped: a trial or a save that fails half-way
/// leaves no guest behind.
class KilledUnlessReaped {
 public:
  KilledUnlessReaped() = default;
  /// Takes charge of the child @p pid.
  explicit KilledUnlessReaped(pid_t pid) noexcept : pid_(pid) {}
  ~KilledUnlessReaped();
  KilledUnlessReaped(const KilledUnlessReaped&) = delete;
  KilledUnlessReaped& operator=(const KilledUnlessReaped&) = delete;

  /// Takes charge of the child @p pid.
  void adopt(pid_t pid) noexcept { pid_ = pid; }
  /// The child, or -1 once it has been reaped.
  pid_t pid() const noexcept { return pid_; }
  /// Waits for it (its exit status: mbe::wait_status, named @p name in an
  /// error); afterwards nothing is left to kill, even when the wait threw.
  int wait(std::string_view name);
  /// Says it was reaped by the caller's own waitpid.
  void reaped() noexcept { pid_ = -1; }

 private:
  pid_t pid_ = -1;
};

}  // namespace ch07
