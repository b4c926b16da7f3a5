// Chapter 07's power-loss lab: boot a tiny guest whose writer stores records
// into a MAP_SHARED file, pull the plug at a chosen moment, read the disk back
// without booting and count the acknowledged records that survived.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plug_records.hpp"
#include "write_log.hpp"

namespace ch07 {

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
};

/// The guest in @p directory (CMake's `ch07-guest`), or nullopt with
/// @p why_not saying what is missing and how to get it.
std::optional<Guest> find_guest(const std::filesystem::path& directory, std::string& why_not);

/// One plug pull.
struct Trial {
  std::string mode = "ms_sync";                     ///< the writer's mode
  PowerModel model = PowerModel::kill_qemu;
  std::uint64_t records = 256;                      ///< records the writer stores at most
  std::uint64_t pull_after_ack = 1;                 ///< pull once "ACK n" with n >= this is seen...
  std::chrono::microseconds pull_delay{0};          ///< ...and this much later
  bool guest_writeback = false;                     ///< leave the guest's writeback timers on
  std::chrono::seconds boot_timeout{90};            ///< no READY by then: the lab is unavailable
  std::filesystem::path work;                       ///< an empty directory of the caller's
};

/// What one plug pull showed.
struct TrialResult {
  enum class Outcome { checked, lab_unavailable, failed };
  Outcome outcome = Outcome::failed;
  std::string message;                  ///< why unavailable or failed
  Survivors survivors;                  ///< acknowledged records and what became of them
  bool record_file_found = false;       ///< the writer's file exists on the recovered disk
  bool filesystem_clean = false;        ///< e2fsck -fn found nothing after journal recovery
  ReplaySummary replay;                 ///< volatile_cache only: what the replay kept
  std::string kernel;                   ///< the guest's kernel release
};

/// Runs @p trial in @p guest. Never throws for a lab problem: see outcome.
TrialResult run_trial(const Guest& guest, const Trial& trial);

/// @p given if set; else a new directory `<$TMPDIR or /var/tmp>/<prefix>.XXXXXX`,
/// which @p created names (for the caller to remove). Empty, with errno, on failure.
std::filesystem::path work_directory(const char* given, const char* prefix, std::filesystem::path& created);

/// One line: mode, model, acknowledged, survived, lost.
std::string describe(const Trial& trial, const TrialResult& result);

// ---- inside the lab ------------------------------------------------------

/// The full path of @p tool in PATH, /usr/sbin or /sbin; empty if absent.
std::filesystem::path find_tool(std::string_view tool);

/// Runs @p argv (argv[0] a full path) with stdout and stderr to @p output;
/// returns its exit status, or -1 if it could not run or died of a signal.
int run_tool(const std::vector<std::string>& argv, const std::filesystem::path& output);

/// What the guest's console said before the plug was pulled.
struct ConsoleReport {
  bool ready = false;            ///< the writer printed READY
  bool done = false;             ///< the writer printed DONE: it has stored every record
  std::uint64_t acknowledged = 0;  ///< highest n of a complete "ACK n" line
  std::string kernel;            ///< from the GUEST line
  std::string lab_error;         ///< a "LAB ERROR" line, or why the console ended early
  bool timed_out_booting = false;
};

/// Boots qemu with @p drive_arguments, waits for the pull moment of @p trial,
/// kills qemu with SIGKILL and reads what the console printed until then.
ConsoleReport boot_and_pull(const Guest& guest, const Trial& trial,
                            const std::vector<std::string>& drive_arguments);

}  // namespace ch07
