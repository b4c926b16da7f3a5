/// @file child_process.hpp
/// @brief Running another program with its output in a file, and waiting for
/// it: what the chapters' drivers (chapter 06's torture, chapter 07's lab and
/// its qemu) and the tests' harness share.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mbe {

/// @brief Starts @p argv (`argv[0]` a path, not searched in `PATH`) with
/// standard output and error into @p output_fd and standard input from
/// @p input_fd (a pipe's read end, say), or from `/dev/null` when it is -1,
/// and returns its pid. The child's fds are set in that order, so
/// @p output_fd may be 0, but @p input_fd may not be 1 or 2.
/// @throws mbe::Error `posix_spawn PROGRAM: ENOENT (No such file or directory)`
/// when it cannot be started.
pid_t spawn_with_output(const std::vector<std::string>& argv, int output_fd, int input_fd = -1);

/// @brief The same with the output into the file @p output, created (0600) or
/// truncated, and standard input from @p input_fd or `/dev/null`.
/// @throws mbe::Error when it cannot be started or @p output cannot be opened.
pid_t spawn_with_output(const std::vector<std::string>& argv, const std::filesystem::path& output,
                        int input_fd = -1);

/// @brief Waits for the child @p pid (named @p name in an error) and returns
/// its wait status; a signal that interrupts the wait (`EINTR`) does not end it.
/// @throws mbe::Error `waitpid NAME: ECHILD (No child processes)` and the like.
int wait_status(pid_t pid, std::string_view name);

/// @brief The whole content of @p path, or "" when it cannot be read: a
/// child's output read back for a message, where a missing file is no error
/// of its own.
std::string read_all(const std::filesystem::path& path);

}  // namespace mbe
