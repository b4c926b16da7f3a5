/// @file cli.hpp
/// @brief The command line of every chapter program: operands, options, `--help`.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

namespace mbe {

/// @brief Parses a whole decimal number in `[minimum, maximum]`; nullopt for
/// anything else ("12x", "-1", "", out of range).
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t minimum = 0,
                                          std::uint64_t maximum = UINT64_MAX) noexcept;

/// @brief One `--flag` a program accepts: a number in a range, a text, or a toggle.
struct Option {
  /// @brief `--flag N`, N in `[minimum, maximum]`; @p value holds the default.
  static Option number(std::string_view flag, std::uint64_t& value, std::uint64_t minimum,
                       std::uint64_t maximum) {
    return {flag, &value, minimum, maximum, nullptr, nullptr};
  }
  /// @brief `--flag TEXT`; @p value stays unchanged when the flag is absent.
  static Option text(std::string_view flag, const char*& value) {
    return {flag, nullptr, 0, 0, &value, nullptr};
  }
  /// @brief `--flag` alone sets @p value to true.
  static Option toggle(std::string_view flag, bool& value) {
    return {flag, nullptr, 0, 0, nullptr, &value};
  }

  std::string_view flag;        ///< e.g. `"--pages"`
  std::uint64_t* number_value;  ///< set for number options
  std::uint64_t minimum;        ///< smallest accepted number
  std::uint64_t maximum;        ///< largest accepted number
  const char** text_value;      ///< set for text options
  bool* toggle_value;           ///< set for toggles
};

/// @brief Parses `PROGRAM OPERAND... [OPTION]...` with exactly `operands.size()`
/// operands (words not starting with `-`) in any order with the options.
/// An empty operand or option value (`""`) is a usage error: it names no file.
///
/// @return nullopt when the program should go on; otherwise the exit status
/// to return at once: 0 after `--help`/`-h` (usage printed to standard
/// output), 2 after a usage error (message and usage printed to standard error).
std::optional<int> parse_command_line(int argc, char** argv, std::string_view usage,
                                      std::span<const char*> operands,
                                      std::initializer_list<Option> options = {});

/// @brief Writes @p line and a newline to standard output with one `write(2)`,
/// bypassing stdio's buffer: a line printed before a SIGKILL (or a pulled
/// plug) has left the process, whole. For progress lines such as "ACK n" that
/// another process acts on. A failed write (nobody reading) is ignored.
void print_line(std::string_view line);

}  // namespace mbe
