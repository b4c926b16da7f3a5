// Chapter 07's file chores, shared by the record lab and the names lab: a
// trial's failure, a recovery boot's hex lines, sparse image copies, the
// initrd put together from its parts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ch07 {

/// A trial that went wrong (not the lab's absence). @throws mbe::Error (EIO) always.
[[noreturn]] void trial_failed(const std::string& why);

/// Appends the bytes of one `od -An -tx1` line of a recovery boot's console
/// ("7f 45 4c") to @p bytes. @throws mbe::Error (EIO) for anything else in it.
void append_hex_bytes(const std::string& line, std::string& bytes);

/// Copies a disk image with `cp --sparse=always`: xfs's 320 MiB image is mostly
/// holes and stays so. @throws mbe::Error.
void copy_image(const std::filesystem::path& from, const std::filesystem::path& to);

/// Writes @p parts one after the other into @p to (cpio archives concatenate
/// into one initrd). @throws mbe::Error.
void concatenate(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& to);

}  // namespace ch07
