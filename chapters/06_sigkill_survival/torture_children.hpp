// How sigkill_torture starts, watches and reaps its children (chapter 05's
// producer and recovery scan), so that the torture's own file shows only the
// rounds: start, wait, kill, judge.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace ch06 {

/// Starts @p argv (argv[0] a path) with its standard output and error in
/// @p output (created 0600); throws std::system_error if posix_spawn fails.
pid_t spawn_to_file(const std::vector<std::string>& argv, const std::filesystem::path& output);

/// The wait status of child @p pid, retrying on EINTR; throws on other errors.
int wait_status(pid_t pid);

/// Waits until @p file exists, or child @p producer has exited, or 5 s passed;
/// the child is left to be reaped by wait_status.
void wait_for_file(const std::filesystem::path& file, pid_t producer);

/// "exit status 3" or "signal 11": how a child ended, for a message.
std::string how_it_ended(int status);

/// The whole of @p path ("" if it cannot be read): a child's output, for a message.
std::string contents_of(const std::filesystem::path& path);

}  // namespace ch06
