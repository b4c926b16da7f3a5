// Chapter 07's names lab, the library behind ch07_names_after_power_loss:
// one small disk per directory-entry scenario (name_scenarios.hpp), the
// words for the guest's /init that run ch07_names_writer on them, and each disk
// read back after the plug, as the next boot would see it: ext4 on the host
// (e2fsck, debugfs), xfs and btrfs by a recovery boot (names_recovery.hpp).
// Booting and the plug are chapter 07's (guest_console.hpp).
// Errors throw: LabUnavailable when this lab cannot run here, mbe::Error
// when a trial failed.
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
  std::filesystem::path recovered;           ///< the image read back (set by read_names_back)
  std::vector<std::string> drive_arguments;  ///< qemu's options for this disk
};

/// Makes the @p index-th disk (the guest's /dev/vd<a+index>) in @p work: ext4
/// 16 MiB, xfs and btrfs as tools_of() makes them (sparse). @throws mbe::Error.
NameDisk make_name_disk(Filesystem filesystem, PowerModel model, NameScenario scenario,
                        const std::filesystem::path& work, std::size_t index);

/// The words for the guest's /init (Disk::words) that run @p program
/// ("names": ch07_names_writer; or "names-recover") on @p disks instead of the
/// record writer, with mbe.fs= so that /init loads the filesystem's modules
/// and switches off its timers.
std::string names_words(Filesystem filesystem, const std::vector<NameDisk>& disks,
                        std::string_view program = "names");

/// What one scenario's disk held after the plug.
struct NameOutcome {
  /// FILE after the check: old, new, none, other — or cleared (ext4): its
  /// entry pointed at a cleared inode and the checker removed it.
  std::string file;
  std::string temporary;               ///< FILE.tmp: new, absent or other
  bool checker_clean = false;          ///< the read-only checker found nothing after log recovery
  std::uint64_t unflushed_writes = 0;  ///< volatile_cache: writes after the last flush, lost
};

/// Reads every disk of one boot (trial.work, trial.model, trial.filesystem)
/// back as the next boot would: for volatile_cache only what each disk's last
/// flush made durable; then the log replay — ext4: e2fsck on the host, which
/// also repairs what its check finds (as a boot would), and debugfs reads the
/// names; xfs, btrfs: one recovery boot of @p guest mounts every disk — and
/// for those two the read-only checker afterwards. @throws mbe::Error, also
/// when a disk is not its scenario's (its SCENARIO file names another).
std::vector<NameOutcome> read_names_back(const Guest& guest, const Trial& trial,
                                         std::vector<NameDisk>& disks);

}  // namespace ch07
