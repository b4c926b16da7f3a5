/// @file exercise_check.hpp
/// @brief What the exercise checks (chapters/NN/exercise/check.cpp) share
/// beyond testing.hpp: hints given in stages, checks that name the mistake
/// they caught, errno values printed as `EINVAL (Invalid argument)`, and the
/// student reporter that `exercises/check` runs them with.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <system_error>
#include <vector>

#include "testing.hpp"

namespace mbe::testing {

/// @brief The hints of the running check, in the order they are given: the
/// first one says where to look, the later ones come closer to the answer
/// but never are it. Shown only when the check fails: the student reporter
/// shows as many as `$MBE_HINT_LEVEL` asks (1 by default; `exercises/check
/// --hint` asks for one more), doctest's console reporter the first.
class StagedHints {
 public:
  StagedHints(std::initializer_list<const char*> hints);
  /// @brief The hints of the check running now, or of the one that just ended.
  static const std::vector<std::string>& current();
  /// @brief Drops them (a new check starts).
  static void forget();
};

/// @brief How many data races ThreadSanitizer has reported in this process
/// so far (always 0 in a build without it): a check asserts it stayed 0,
/// so the race fails that check, with the mistake it means, by name.
int data_races_reported() noexcept;

/// @brief True in a build with ThreadSanitizer.
bool built_with_thread_sanitizer() noexcept;

/// @brief @p error as an error code, so that a failed comparison prints
/// `EINVAL (Invalid argument)`; doctest prints a bare std::errc as its number.
inline std::error_code as_error(std::errc error) {
  return std::make_error_code(error);
}

}  // namespace mbe::testing

/// @brief A check's hints, first to last: `MBE_HINTS("where to look", "closer");`
#define MBE_HINTS(...)                                              \
  const ::mbe::testing::StagedHints mbe_staged_hints_{__VA_ARGS__}; \
  INFO("Hint: " << ::mbe::testing::StagedHints::current().front())

/// @brief A check that names the mistake it catches when it fails:
/// `MBE_CATCHES(count == 1, "the count was published before its entry");`
#define MBE_CATCHES(condition, mistake) CHECK_MESSAGE(condition, "Mistake: " << mistake)
/// @brief MBE_CATCHES that ends the check when it fails.
#define MBE_REQUIRE_CATCHES(condition, mistake) REQUIRE_MESSAGE(condition, "Mistake: " << mistake)

// errno values as the collection prints them, EINVAL (Invalid argument),
// instead of doctest's generic:22.
namespace doctest {
template <>
struct StringMaker<std::error_code> {
  static String convert(const std::error_code& error);
};
}  // namespace doctest
