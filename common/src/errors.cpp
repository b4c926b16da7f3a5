#include "msync/errors.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>

namespace mbe {

std::string errno_name(int error_number) {
  // strerrorname_np (glibc >= 2.32) returns nullptr for unknown values.
  if (const char* name = ::strerrorname_np(error_number)) return name;
  return "E" + std::to_string(error_number);
}

std::string errno_text(int error_number) {
  // strerrordesc_np (glibc >= 2.32), unlike strerror, shares no buffer
  // between threads; nullptr for unknown values.
  const char* text = ::strerrordesc_np(error_number);
  const std::string description =
      text != nullptr ? text : "Unknown error " + std::to_string(error_number);
  return errno_name(error_number) + " (" + description + ")";
}

std::string describe_error(std::string_view call, const std::error_code& error) {
  std::string text(call);
  text += ": ";
  if (error.category() == std::generic_category() || error.category() == std::system_category())
    text += errno_text(error.value());
  else
    text += error.message();
  return text;
}

int report_error(std::string_view call, const std::error_code& error) {
  std::cerr << describe_error(call, error) << '\n';
  return 1;
}

int report_errno(std::string_view call, int error_number) {
  return report_error(call, std::error_code(error_number, std::generic_category()));
}

std::string call_result(int return_value) {
  const int error_number = errno;  // before anything else can change it
  return return_value == 0 ? "0" : std::to_string(return_value) + ", " + errno_text(error_number);
}

std::error_code last_error() noexcept {
  return {errno, std::generic_category()};
}

void throw_errno(std::string_view call) {
  throw_error(call, last_error());
}

void throw_error(std::string_view call, const std::error_code& error) {
  throw Error(describe_error(call, error), error);
}

}  // namespace mbe
