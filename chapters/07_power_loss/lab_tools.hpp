// Chapter 07's host tools: where a tool is, and running one with its output
// in a file. Errors throw mbe::Error.
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

/// posix_spawn of @p argv (argv[0] a full path) with stdin from /dev/null and
/// stdout and stderr to @p output_fd; returns the pid. @throws mbe::Error.
pid_t spawn_with_output(const std::vector<std::string>& argv, int output_fd);

/// Waits for child @p pid (named @p name in errors) and returns its wait status.
/// @throws mbe::Error when waitpid fails.
int wait_status(pid_t pid, const std::string& name);

}  // namespace ch07
