// The lab's host tools (mkfs, e2fsck, debugfs, cp, qemu): found in PATH or
// the sbin directories, run with their output in a file, waited for; a
// started child killed should its owner give up on it.
#include "lab_tools.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "msync/child_process.hpp"
#include "msync/errors.hpp"

namespace ch07 {

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
  const int status = mbe::wait_status(mbe::spawn_with_output(argv, output), argv[0]);
  if (!WIFEXITED(status))
    throw mbe::Error(argv[0] + " died of signal " + std::to_string(WTERMSIG(status)),
                     std::make_error_code(std::errc::interrupted));
  return WEXITSTATUS(status);
}

KilledUnlessReaped::~KilledUnlessReaped() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

int KilledUnlessReaped::wait(std::string_view name) {
  // Forgotten first: should the wait fail, the pid may be no child of ours.
  return mbe::wait_status(std::exchange(pid_, -1), name);
}

}  // namespace ch07
