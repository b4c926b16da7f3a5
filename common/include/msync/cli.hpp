/// @file cli.hpp
/// @brief Tiny command-line helpers shared by the chapter programs.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mbe {

/// @brief True for `--help` and `-h`.
inline bool is_help_flag(std::string_view argument) noexcept {
  return argument == "--help" || argument == "-h";
}

/// @brief Parses a whole decimal number in `[minimum, maximum]`; nullopt for
/// anything else ("12x", "-1", "", out of range).
inline std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t minimum = 0,
                                                 std::uint64_t maximum = UINT64_MAX) noexcept {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (value < minimum || value > maximum) return std::nullopt;
  return value;
}

}  // namespace mbe
