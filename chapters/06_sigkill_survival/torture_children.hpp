// How sigkill_torture watches its children (chapter 05's producer and
// recovery scan) — msync/child_process.hpp starts and reaps them — so that the
// torture's own file shows only the rounds: start, wait, kill, judge.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace ch06 {

/// Waits until @p file exists, or child @p producer has exited, or 5 s passed;
/// the child is left to be reaped by mbe::wait_status.
void wait_for_file(const std::filesystem::path& file, pid_t producer);

/// "exit status 3" or "signal 11": how a child ended, for a message.
std::string how_it_ended(int status);

}  // namespace ch06
