// Chapter 07's host tools: where a tool is, and running one with its output
// in a file (msync/child_process.hpp starts and waits for it). Errors throw
// mbe::Error.
#pragma once

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

}  // namespace ch07
