#include "msync/cli.hpp"

#include <unistd.h>

#include <charconv>
#include <iostream>
#include <string>

namespace mbe {

std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t minimum,
                                          std::uint64_t maximum) noexcept {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (value < minimum || value > maximum) return std::nullopt;
  return value;
}

namespace {

int usage_error(std::string_view program, const std::string& message, std::string_view usage) {
  std::cerr << program << ": " << message << '\n' << usage;
  return 2;
}

}  // namespace

std::optional<int> parse_command_line(int argc, char** argv, std::string_view usage,
                                      std::span<const char*> operands,
                                      std::initializer_list<Option> options) {
  std::string_view program = argc > 0 ? argv[0] : "program";
  program = program.substr(program.rfind('/') + 1);
  std::size_t operands_seen = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    }
    if (arg.empty())  // "" names no file: open("") would fail later with a puzzling ENOENT
      return usage_error(program, "an empty argument names nothing", usage);
    if (!arg.starts_with("-")) {
      if (operands_seen == operands.size())
        return usage_error(program, "unexpected argument '" + std::string(arg) + "'", usage);
      operands[operands_seen++] = argv[i];
      continue;
    }
    const Option* option = nullptr;
    for (const auto& candidate : options)
      if (candidate.flag == arg) option = &candidate;
    if (option == nullptr)
      return usage_error(program, "unknown option '" + std::string(arg) + "'", usage);
    if (option->toggle_value != nullptr) {
      *option->toggle_value = true;
      continue;
    }
    if (i + 1 == argc) return usage_error(program, std::string(arg) + " needs a value", usage);
    const char* value = argv[++i];
    if (*value == '\0')
      return usage_error(program, std::string(arg) + " needs a value, not ''", usage);
    if (option->text_value != nullptr) {
      *option->text_value = value;
      continue;
    }
    const auto number = parse_number(value, option->minimum, option->maximum);
    if (!number)
      return usage_error(program,
                         std::string(arg) + " needs a number from " +
                             std::to_string(option->minimum) + " to " +
                             std::to_string(option->maximum) + ", not '" + value + "'",
                         usage);
    *option->number_value = *number;
  }
  if (operands_seen != operands.size()) return usage_error(program, "missing argument", usage);
  return std::nullopt;
}

void print_line(std::string_view line) {
  const std::string text = std::string(line) + '\n';
  if (::write(STDOUT_FILENO, text.data(), text.size()) < 0) return;  // nobody reading: go on
}

}  // namespace mbe
