// The disk files in qemu's options, as chapter 07's saved guest sees them: its
// name leaves them out (only their sizes count), and the boot that saves it
// runs on blank files of the same sizes instead. Errors throw mbe::Error.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "guest_lab.hpp"

namespace ch07 {

/// A hash (16 hex digits) of the files every saved guest of a build is made
/// of: the paths and time stamps of @p qemu, its firmware, @p guest's kernel,
/// initramfs and virtio modules. Contents are not read: a file rebuilt in
/// place has a new time stamp.
std::string guest_build_key(const Guest& guest, const std::filesystem::path& qemu);

/// A hash (16 hex digits) of what one saved guest must match beside its
/// build: @p argv, qemu's options that boot @p guest, with the disk files as
/// their sizes and trial.work left out, and the time stamp of the
/// filesystem's modules. @throws mbe::Error when a disk file is missing.
std::string saved_guest_key(const Guest& guest, const Trial& trial,
                            const std::vector<std::string>& argv);

/// @p argv with each disk file ("file=", "file.filename=", "log.filename=" of
/// -drive and -blockdev) replaced by a new sparse file of its size in
/// @p directory, whose paths are added to @p blanks. @throws mbe::Error.
std::vector<std::string> with_blank_disks(std::vector<std::string> argv,
                                          const std::filesystem::path& directory,
                                          std::vector<std::filesystem::path>& blanks);

}  // namespace ch07
