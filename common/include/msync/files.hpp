/// @file files.hpp
/// @brief Opening a file someone else named, safely: only a regular file on a
/// real filesystem, never blocking; and file sizes over `RLIMIT_FSIZE` as an
/// error instead of a signal.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <system_error>
#include <utility>

#include "msync/errors.hpp"

namespace mbe {

/// @brief Opens the existing file @p path with @p access_flags (`O_RDONLY`,
/// `O_WRONLY` or `O_RDWR`, plus `O_CLOEXEC` always) and returns the
/// descriptor, or -1 with @p failure naming the call that refused it.
///
/// Refused at once, and never blocking:
/// - a FIFO, a socket or a device (MappedFileError::not_a_regular_file): a
///   plain `open` of a FIFO waits for a writer forever, a device's `open` can
///   have effects of its own, and none of them can be mapped like a file;
/// - a directory (`EISDIR` from `open`, or not_a_regular_file);
/// - a file of procfs, sysfs and their kind (MappedFileError::pseudo_file):
///   "regular", but its size and contents are made up on each read.
///
/// The file is opened with `O_NONBLOCK | O_NOCTTY` and checked with `fstat`
/// before anything else is done with it; `O_NONBLOCK` is then cleared.
int open_regular_file(const std::filesystem::path& path, int access_flags,
                      Failure& failure) noexcept;

/// @brief `EFBIG` when a file may not reach @p end_offset bytes under the
/// process's `RLIMIT_FSIZE` (or `off_t`), else empty. Check before
/// `ftruncate`/`write`: going past the limit otherwise raises `SIGXFSZ`,
/// whose default action kills the process without a word.
std::error_code check_file_size_limit(std::uint64_t end_offset) noexcept;

/// @brief Ignores `SIGXFSZ`, so that a `write` or `ftruncate` past
/// `RLIMIT_FSIZE` fails with `EFBIG` — reported like any other error — instead
/// of killing the process. For programs that create or grow files with
/// system calls of their own; call it first thing in `main`.
void report_file_size_limit_as_error() noexcept;

/// @brief Adds group- and world-write to the process's umask: every file
/// the program (and any tool it runs) creates is then 0644 at most, even
/// under `umask 0` — for programs that create files by other means than
/// MappedFile (std::ofstream, copies, tools such as mkfs).
void never_create_group_or_world_writable() noexcept;

/// @brief Removes the file @p path if it is there, ignoring any error: for
/// cleaning up a program's own temporary files, before or after use. Unlike
/// `std::filesystem::remove` it never throws, so it cannot replace the error
/// that made a program give up with a library's text ("filesystem error:
/// cannot remove"); a real problem with the path shows at the next create,
/// named by its call.
void remove_quietly(const std::filesystem::path& path) noexcept;

/// @brief Calls remove_quietly() on @p path when it goes out of scope, by
/// whatever way out (an early return after an error, an exception): a
/// program's temporary file is never left behind.
class RemovedAtScopeExit {
 public:
  explicit RemovedAtScopeExit(std::filesystem::path path) : path_(std::move(path)) {}
  ~RemovedAtScopeExit() { remove_quietly(path_); }
  RemovedAtScopeExit(const RemovedAtScopeExit&) = delete;
  RemovedAtScopeExit& operator=(const RemovedAtScopeExit&) = delete;

 private:
  std::filesystem::path path_;
};

}  // namespace mbe
