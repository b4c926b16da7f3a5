// The directory-entry scenarios of chapter 07's names lab, shared by the
// guest's writer (ch07_names_writer) and the host that reads the disks back
// (ch07_names_after_power_loss): their names, the file names and the two
// versions of the file's content. Header only: the static guest program and
// the host library both compile it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ch07 {

/// What the guest does to a name, each on a filesystem (a disk) of its own.
enum class NameScenario {
  new_file,           ///< create FILE, write, fsync(FILE); no directory fsync
  rename,             ///< FILE exists; write + fsync(FILE.tmp), rename(FILE.tmp, FILE)
  rename_fsync_file,  ///< the same, then fsync(FILE) again; no directory fsync
  rename_fsync_dir,   ///< the same as rename, then fsync(directory)
};

inline constexpr std::array<NameScenario, 4> all_name_scenarios = {
    NameScenario::new_file, NameScenario::rename, NameScenario::rename_fsync_file,
    NameScenario::rename_fsync_dir};

inline constexpr std::string_view scenario_name(NameScenario scenario) noexcept {
  switch (scenario) {
    case NameScenario::new_file:
      return "new_file";
    case NameScenario::rename:
      return "rename";
    case NameScenario::rename_fsync_file:
      return "rename_fsync_file";
    case NameScenario::rename_fsync_dir:
      return "rename_fsync_dir";
  }
  return "?";
}

inline std::optional<NameScenario> parse_scenario(std::string_view name) noexcept {
  for (const auto scenario : all_name_scenarios)
    if (scenario_name(scenario) == name) return scenario;
  return std::nullopt;
}

/// The file every scenario is about, its temporary, and a file naming the
/// scenario (so that the host can check which disk is which), all in the
/// root directory of the scenario's filesystem.
inline constexpr std::string_view named_file = "FILE";
inline constexpr std::string_view temporary_file = "FILE.tmp";
inline constexpr std::string_view scenario_file = "SCENARIO";

/// One 4 KiB block of @p version ("old" or "new") repeated: the file's content.
inline std::string version_content(std::string_view version) {
  std::string content;
  while (content.size() < 4096) content += std::string(version) + " version of FILE\n";
  content.resize(4096);
  return content;
}

/// Which version @p content is: "new", "old" or "other".
inline std::string version_of(const std::string& content) {
  if (content == version_content("new")) return "new";
  return content == version_content("old") ? "old" : "other";
}

}  // namespace ch07
