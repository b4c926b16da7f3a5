// How chapter 07's names lab reads a disk back after the plug, as the next
// boot would: ext4 on the host (e2fsck replays the journal and repairs what
// its check finds, debugfs takes the names out); xfs and btrfs in a recovery
// boot of the guest, whose /init (mbe.program=names-recover) mounts each disk
// read-write — the log replay, for real — and prints SCENARIO, FILE and
// FILE.tmp as hex lines, or MISSING. Used by names_lab.cpp's read_names_back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "names_lab.hpp"

namespace ch07 {

/// ext4: replays @p disk.recovered's journal, checks it (e2fsck -fn) and
/// repairs it if it must (-fy), then reads the names. @throws mbe::Error.
NameOutcome read_ext4_names(const NameDisk& disk);

/// Per disk, each name's content as the recovery boot printed it (nullopt: MISSING).
using NamesOnDisk = std::map<std::string, std::optional<std::string>, std::less<>>;

/// Parses a names-recover console: "NAME n FILE BEGIN", hex lines (od -An
/// -tx1), "NAME n FILE END", or "NAME n FILE MISSING", then "RECOVERED".
/// @throws mbe::Error for a garbled line, a disk or name it did not print, or no RECOVERED.
std::vector<NamesOnDisk> parse_names_console(std::string_view console, std::size_t disks);

/// xfs, btrfs: boots @p guest (trial.work's initrd) on every disk's recovered
/// image, waits for its power-off and reads FILE and FILE.tmp of each; the
/// checker is the caller's. @throws mbe::Error, also when a disk's SCENARIO
/// names another scenario.
std::vector<NameOutcome> read_names_in_recovery_boot(const Guest& guest, const Trial& trial,
                                                     const std::vector<NameDisk>& disks);

}  // namespace ch07
