// Chapter 07's saved guest: instead of booting for every trial, the lab boots
// the guest once per filesystem and disk layout up to the point where its
// /init waits for the trial's words (mbe.wait=serial: modules loaded, /dev/vd*
// probed, nothing mounted, nothing written to a disk), saves it there with
// qemu's migration to a file, and restores that file for each trial, on the
// trial's own disks. The restored guest reads its words on the serial line,
// drops what it had cached of /dev/vd* and goes on as a booted one would: the
// same kernel, the same /init, the writer started afresh. Why: each boot
// costs seconds of emulated CPU (a whole pull on ext4 took 0.5-0.8 s restored,
// 2.5 s booted, by hand on a quiet host). MBE_LAB_BOOT=fresh makes every
// trial boot. Errors throw mbe::Error.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "guest_lab.hpp"

namespace ch07 {

/// The kernel command line of the saved guest of @p trial's filesystem.
std::string saved_guest_command_line(const Trial& trial);

/// The saved guest for @p boot_arguments, qemu's argv that boots it on the
/// trial's disks with saved_guest_command_line(): made first when there is
/// none yet (one boot on blank disks of the same sizes, then the save; in
/// trial.work; seconds). std::nullopt, for a boot, when MBE_LAB_BOOT=fresh,
/// or when the guest's directory has a quote or backslash in its path (qemu's
/// `exec:` command could not carry it). The file sits in the guest's
/// directory, `saved/BUILD/FILESYSTEM-KEY.state` (BUILD from
/// guest_build_key(), KEY from saved_guest_key()), so a rebuilt guest is
/// saved anew and its first save removes the saved guests of older builds.
/// @throws LabUnavailable when the guest does not reach its wait in time;
/// mbe::Error when qemu or the save fails.
std::optional<std::filesystem::path> saved_guest(const Guest& guest, const Trial& trial,
                                                 const std::vector<std::string>& boot_arguments);

/// A saved guest as a trial's qemu was about to read it. Should it prove bad,
/// it goes only if it is still that very file: another test may have saved a
/// good one since.
class SavedGuestFile {
 public:
  SavedGuestFile() = default;
  /// Notes which file @p path is now (its device and inode).
  explicit SavedGuestFile(std::filesystem::path path);
  const std::filesystem::path& path() const noexcept { return path_; }
  /// Removes the file if it is still the one noted; whether it did.
  bool remove_if_unchanged() const;

 private:
  std::filesystem::path path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

/// The argument qemu's `-incoming` needs to restore @p saved.
std::string incoming_from(const std::filesystem::path& saved);

}  // namespace ch07
