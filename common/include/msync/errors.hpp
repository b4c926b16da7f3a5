/// @file errors.hpp
/// @brief The one error format every program in the collection prints.
///
/// A failing system call is reported as its name, the symbolic errno and its text,
/// for example `msync: EINVAL (Invalid argument)`. The symbolic name is what you
/// look up in the man page; the text alone ("Invalid argument") is ambiguous.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace mbe {

/// @brief Exception thrown by the throwing conveniences of common/.
///
/// `what()` is exactly the line a program prints, e.g.
/// `msync: EINVAL (Invalid argument)`; code() keeps the error for tests.
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, std::error_code code)
      : std::runtime_error(message), code_(code) {}
  /// @brief The underlying error, e.g. `std::errc::invalid_argument`.
  [[nodiscard]] const std::error_code& code() const noexcept { return code_; }

 private:
  std::error_code code_;
};

/// @brief Symbolic name of an errno value, e.g. `"EINVAL"`; `"E<n>"` if unknown.
std::string errno_name(int error_number);

/// @brief `"EINVAL (Invalid argument)"`: symbolic name followed by the text.
std::string errno_text(int error_number);

/// @brief `"<call>: EINVAL (Invalid argument)"`, or `"<call>: <message>"` for a
/// non-errno error (for example a MappedFileError of mapped_file.hpp).
std::string describe_error(std::string_view call, const std::error_code& error);

/// @brief Prints describe_error() to standard error and returns exit status 1,
/// so a program can write `return report_error("msync", ec);`.
int report_error(std::string_view call, const std::error_code& error);

/// @brief Same as report_error() for a raw errno value.
int report_errno(std::string_view call, int error_number);

/// @brief How a demo prints a call's result: `"0"`, or `"-1, EBUSY (Device or
/// resource busy)"` from the current `errno` when @p return_value is -1.
std::string call_result(int return_value);

/// @brief The error code for the current `errno`.
std::error_code last_error() noexcept;

/// @brief How a library reports a failed call, in one line:
/// `if (fd < 0) mbe::throw_errno("open " + path);` throws an mbe::Error whose
/// what() is `open PATH: ENOENT (No such file or directory)` and whose code()
/// is the current `errno` (read once, before anything can change it).
[[noreturn]] void throw_errno(std::string_view call);

/// @brief Same as throw_errno() for an error already in hand, e.g. the return
/// value of posix_spawn() or a std::error_code from a non-throwing helper.
[[noreturn]] void throw_error(std::string_view call, const std::error_code& error);

/// @brief What a non-throwing helper reports: the call that failed and its
/// error, so that a program can print `mmap: ENODEV (No such device)` and not
/// the name of some other call.
struct Failure {
  std::string call;       ///< e.g. `"mmap"`; empty on success
  std::error_code error;  ///< empty on success
  /// @brief True when something failed.
  explicit operator bool() const noexcept { return static_cast<bool>(error); }
  /// @brief describe_error() of the call and the error.
  [[nodiscard]] std::string describe() const { return describe_error(call, error); }
};

}  // namespace mbe
