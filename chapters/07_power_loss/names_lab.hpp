// Chapter 07's names lab, the library behind ch07_names_after_power_loss:
// one small disk per directory-entry scenario (name_scenarios.hpp), the
// guest's command line that runs ch07_names_writer on them, and each disk
// read back after the plug, as the next boot would see it. Booting and the
// plug are chapter 07's (guest_console.hpp).
// Errors throw: LabUnavailable when this lab cannot run here (or not yet on
// this filesystem), mbe::Error when a trial failed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest_lab.hpp"
#include "name_scenarios.hpp"

namespace ch07 {

/// One scenario's disk.
struct NameDisk {
  NameScenario scenario = NameScenario::new_file;
  std::filesystem::path directory;           ///< the disk's own directory in the work directory
  std::filesystem::path image;               ///< the image the guest writes
  std::filesystem::path before;              ///< volatile_cache: the image before the boot
  std::filesystem::path write_log;           ///< volatile_cache: every write and flush
  std::vector<std::string> drive_arguments;  ///< qemu's options for this disk
};

/// Makes the @p index-th disk (the guest's /dev/vd<a+index>) in @p work.
/// @throws LabUnavailable for a filesystem the guest cannot mount yet, mbe::Error.
NameDisk make_name_disk(Filesystem filesystem, PowerModel model, NameScenario scenario,
                        const std::filesystem::path& work, std::size_t index);

/// qemu's -append that runs ch07_names_writer on @p disks instead of the
/// record writer (given after chapter 07's own, it overrides it).
std::vector<std::string> names_command_line(Filesystem filesystem,
                                            const std::vector<NameDisk>& disks);

/// What one scenario's disk held after the plug.
struct NameOutcome {
  /// FILE after the check: old, new, none, other — or cleared: its entry
  /// pointed at a cleared inode and the checker removed it.
  std::string file;
  std::string temporary;               ///< FILE.tmp: new, absent or other
  bool checker_clean = false;          ///< e2fsck -fn found nothing after journal recovery
  std::uint64_t unflushed_writes = 0;  ///< volatile_cache: writes after the last flush, lost
};

/// Reads @p disk back as the next boot would (journal replay; for
/// volatile_cache only what the last flush made durable; a repair if the
/// check finds damage). @throws mbe::Error, also when the disk is not
/// the scenario's (its SCENARIO file names another).
NameOutcome read_names_back(PowerModel model, const NameDisk& disk);

}  // namespace ch07
