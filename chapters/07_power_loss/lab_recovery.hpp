// Chapter 07's disk after the plug: recovered as the next boot would see it
// (the journal or log replayed; for a volatile cache only what the last flush
// made durable), checked by the filesystem's own checker, and the records the
// writer acknowledged counted.
#pragma once

#include "guest_lab.hpp"

namespace ch07 {

/// Reads @p disk back after the plug was pulled, as the next boot would see it
/// (for volatile_cache: only what the last flush made durable), and counts
/// the records @p console acknowledged. ext4: e2fsck replays the journal on
/// the host and debugfs reads the file; xfs and btrfs: a short recovery boot
/// of @p guest mounts the disk (log replay) and prints the file. Then the
/// filesystem's own checker, read-only. @throws mbe::Error.
TrialResult recover(const Guest& guest, const Trial& trial, const Disk& disk,
                    const ConsoleReport& console);

}  // namespace ch07
