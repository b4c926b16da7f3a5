// Chapter 07's power-loss lab, the library behind ch07_pull_the_plug and
// ch07_plug_torture: a fresh disk for the guest, one whole trial, its result.
// Booting the guest and pulling the plug: guest_console.hpp; the disk read
// back after the plug (as the next boot would), the records counted:
// lab_recovery.hpp.
// Errors throw: LabUnavailable when this machine cannot run the lab,
// mbe::Error when a trial failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab_filesystems.hpp"
#include "msync/errors.hpp"
#include "plug_records.hpp"
#include "write_log.hpp"

namespace ch07 {

/// Thrown when the lab cannot run here (no qemu, no guest kernel, a guest
/// that does not boot in time): the programs exit 77, the tests skip.
class LabUnavailable : public mbe::Error {
 public:
  explicit LabUnavailable(const std::string& why)
      : mbe::Error(why, std::make_error_code(std::errc::operation_not_supported)) {}
};

/// How the plug is pulled.
enum class PowerModel {
  kill_qemu,       ///< `kill -9` of qemu: every write the guest sent to its disk survives
  volatile_cache,  ///< the disk keeps only what a flush (or FUA) made durable
};
std::string_view model_name(PowerModel model) noexcept;
std::optional<PowerModel> parse_model(std::string_view name) noexcept;

/// The files the guest boots from.
struct Guest {
  std::filesystem::path kernel;     ///< vmlinuz of the pinned Debian cloud kernel
  std::filesystem::path initramfs;  ///< busybox, /init and the static writer (built by CMake)
  std::filesystem::path modules;    ///< the virtio modules of that kernel (cpio)
  std::filesystem::path filesystem_modules =
      {};  ///< xfs or btrfs and dependencies (cpio); ext4: none
};

/// The guest in @p directory (CMake's `ch07-guest`), for a disk of @p filesystem.
/// @throws LabUnavailable saying what is missing and how to get it.
Guest find_guest(const std::filesystem::path& directory,
                 Filesystem filesystem = Filesystem::ext4_journal);

/// One plug pull.
struct Trial {
  WriterMode mode = WriterMode::ms_sync;
  PowerModel model = PowerModel::kill_qemu;
  Filesystem filesystem = Filesystem::ext4_journal;
  std::uint64_t records = 256;              ///< records the writer stores at most
  std::uint64_t pull_after_ack = 1;         ///< pull once "ACK n" with n >= this is seen...
  std::chrono::microseconds pull_delay{0};  ///< ...and this much later
  bool guest_writeback = false;             ///< leave the guest's writeback timers on
  std::chrono::seconds boot_timeout{180};   ///< no READY by then: the lab is unavailable
  std::filesystem::path work;               ///< an empty directory of the caller's
};

/// The guest's disk, made fresh for one trial.
struct Disk {
  std::filesystem::path image;      ///< the filesystem image the guest mounts
  std::filesystem::path before;     ///< volatile_cache: the image as it was before the boot
  std::filesystem::path write_log;  ///< volatile_cache: qemu's log of every write and flush
  std::vector<std::string> drive_arguments;  ///< qemu's options for this disk
  bool restorable = false;  ///< a saved guest may stand in for the boot (guest_snapshot.hpp)
  std::string words;        ///< the words for the guest's /init; empty: the trial's (the writer)
};

/// qemu's -drive value for @p image as the guest's virtio disk. cache=unsafe:
/// a pull is a kill -9 of qemu, which keeps every write qemu made to the
/// image file (the host does not lose power), so handing the guest's flushes
/// on to the host's disk only made each of them wait for it.
/// @throws mbe::Error for a ',' in the path (qemu's option separator).
std::string virtio_drive(const std::filesystem::path& image);

/// qemu's -blockdev value, node @p node, for the volatile-cache model: the
/// blklogwrites driver logs every write and flush the guest sends to @p image
/// in @p write_log; the two files beneath it skip the host's fdatasync
/// (cache.no-flush), as virtio_drive's does. Never on the blklogwrites node
/// itself: qemu would then answer the guest's flushes above the driver, and
/// the log would record none. @throws mbe::Error for a ',' in a path.
std::string logged_drive(const std::string& node, const std::filesystem::path& image,
                         const std::filesystem::path& write_log);

/// Makes a fresh image of trial.filesystem in trial.work (sparse), and the
/// initrd the guest boots (the initramfs followed by the modules). @throws mbe::Error.
Disk make_disk(const Guest& guest, const Trial& trial);

/// What the guest's console said before the plug was pulled.
struct ConsoleReport {
  bool ready = false;              ///< the writer printed READY
  bool done = false;               ///< the writer printed DONE: it has stored every record
  std::uint64_t acknowledged = 0;  ///< highest n of a complete "ACK n" line
  std::string kernel;              ///< from the GUEST line
};

/// What one plug pull showed.
struct TrialResult {
  Survivors survivors;             ///< acknowledged records and what became of them
  bool record_file_found = false;  ///< the writer's file exists on the recovered disk
  bool filesystem_clean = false;   ///< the filesystem's checker found nothing after recovery
  ReplaySummary replay;            ///< volatile_cache only: what the replay kept
  std::string kernel;              ///< the guest's kernel release
  std::string recovery_start;      ///< xfs, btrfs: "restored" or "booted"; ext4: "host"
};

/// make_disk, boot, pull the plug at the trial's moment, recover: what
/// ch07_pull_the_plug shows step by step. @throws LabUnavailable, mbe::Error.
TrialResult run_trial(const Guest& guest, const Trial& trial);

/// One key=value line: filesystem, mode, model, acknowledged, survived, lost, first_lost,
/// unacknowledged, filesystem_clean, record_file, and for volatile_cache the
/// replay's flushes, writes_replayed and writes_dropped.
std::string summary_line(const Trial& trial, const TrialResult& result);

/// @p given if set; else a new directory `<$TMPDIR or /var/tmp>/<prefix>.XXXXXX`,
/// which @p created names (for the caller to remove). @throws mbe::Error.
std::filesystem::path work_directory(const char* given, const char* prefix,
                                     std::filesystem::path& created);

}  // namespace ch07
