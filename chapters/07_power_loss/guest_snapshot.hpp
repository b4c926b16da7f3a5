// Chapter 07's saved guest: instead of booting for every trial, the lab boots
// the guest once per filesystem and disk layout up to the point where its
// /init waits for the trial's parameters (mbe.wait=serial: modules loaded,
// /dev/vda probed, nothing mounted), saves it there with qemu's migration to
// a file, and restores that file for each trial, on the trial's own disk.
// The restored guest reads its parameters on the serial line, drops what it
// had cached of /dev/vda and goes on as a booted one would: the same kernel,
// the same /init, the writer started afresh. A restore takes about a second
// where a boot under software emulation takes three to eight.
// MBE_LAB_BOOT=fresh makes every trial boot. Errors throw mbe::Error.
#pragma once

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
/// trial.work); std::nullopt when MBE_LAB_BOOT=fresh asks for a boot. The
/// file sits in the guest's directory, named by a hash of everything the
/// restore must match (qemu, kernel, initrd, options, disk layout and sizes),
/// so a rebuilt guest is saved anew.
/// @throws LabUnavailable when the guest does not reach its wait in time;
/// mbe::Error when qemu or the save fails.
std::optional<std::filesystem::path> saved_guest(const Guest& guest, const Trial& trial,
                                                 const std::vector<std::string>& boot_arguments);

/// The argument qemu's `-incoming` needs to restore @p saved.
std::string incoming_from(const std::filesystem::path& saved);

}  // namespace ch07
