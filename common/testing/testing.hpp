/// @file testing.hpp
/// @brief What every chapter's doctest checks share: a private scratch
/// directory per test, an honest skip, and helpers to run other processes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace mbe::testing {

/// @brief Exit status that CTest reports as "skipped" (`SKIP_RETURN_CODE`).
inline constexpr int skip_exit_code = 77;

/// @brief Records that the running test case is skipped and prints why.
/// The test binary then exits with skip_exit_code, never a silent pass.
void mark_skipped(const std::string& reason);

/// @brief Skip the current test case: `MBE_SKIP("needs root");`
#define MBE_SKIP(reason)                  \
  do {                                    \
    ::mbe::testing::mark_skipped(reason); \
    return;                               \
  } while (false)

/// @brief An exercise check's hint, shown only when a check in its scope
/// fails: one step toward the answer, never the answer. Use after including
/// doctest: `MBE_HINT("msync needs a page-aligned start");`
#define MBE_HINT(text) INFO("Hint: " << (text))

/// @brief A fresh directory for one test, removed with everything in it at
/// scope exit. It lives under `$MBE_SCRATCH_DIR`, else `$TMPDIR`, else
/// `/var/tmp` — never in the source tree, and unique, so `ctest -j` is safe.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// @brief `path() / name`.
  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// @brief Why dirty-page counts cannot be observed in @p directory, or ""
/// when they can: cachestat(2) must exist, and the filesystem must have a
/// backing device (tmpfs never reports dirty pages).
std::string why_dirty_pages_are_invisible(const std::filesystem::path& directory);

/// @brief Skips the test unless dirty pages can be observed in @p directory.
#define MBE_REQUIRE_DIRTY_TRACKING(directory)                                                      \
  do {                                                                                             \
    if (auto why_not = ::mbe::testing::why_dirty_pages_are_invisible(directory); !why_not.empty()) \
      MBE_SKIP(why_not);                                                                           \
  } while (false)

/// @brief Outcome of a child process.
struct ProcessResult {
  int exit_code = -1;  ///< exit status, or -1 when killed by a signal
  int signal = 0;      ///< terminating signal, or 0
  std::string out;     ///< everything written to standard output
  std::string err;     ///< everything written to standard error
  [[nodiscard]] bool exited_with(int code) const { return signal == 0 && exit_code == code; }
};

/// @brief Runs a program (argv[0] is its path) to completion and captures
/// its output. Used to prove the chapter programs themselves.
ProcessResult run_program(const std::vector<std::string>& argv);

/// @brief Starts a program (argv[0] is its path) in the background, with its
/// standard output and error going to @p output (created 0600, truncated),
/// and returns its pid: kill it, or collect it with wait_for().
/// @throws mbe::Error (a std::runtime_error, like the other helpers' errors)
/// when it cannot be started: msync/child_process.hpp's spawn_with_output().
pid_t spawn_program(const std::vector<std::string>& argv,
                    const std::filesystem::path& output = "/dev/null");

/// @brief Polls @p condition every millisecond until it holds (true) or
/// @p timeout_ms passes (false).
bool wait_until(const std::function<bool()>& condition, int timeout_ms = 10'000);

/// @brief Runs @p body in a forked child, which leaves by `_exit(body())`
/// (never by returning into doctest), and waits for it.
ProcessResult run_in_child(const std::function<int()>& body);

/// @brief Forks a child running @p body that the caller kills or waits for
/// with wait_for(); the child leaves by `_exit(body())`.
pid_t start_child(const std::function<int()>& body);

/// @brief Waits for @p pid and decodes its status.
ProcessResult wait_for(pid_t pid);

/// @brief True when @p text (a program's output, say) contains @p part.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// @brief The value of @p key in a program's `key=value` summary output
/// (`"read_back"` in `"msync_first=0 read_back=X\n"` gives `"X"`), or "" when
/// no such key is printed. Tests read these lines, never prose.
std::string summary_value(const std::string& output, const std::string& key);

/// @brief Whole contents of a file read with `read()` (not through a mapping).
std::string read_file(const std::filesystem::path& path);

/// @brief Writes @p contents to a new file (mode 0600) with `write()`.
void write_file(const std::filesystem::path& path, const std::string& contents);

}  // namespace mbe::testing
