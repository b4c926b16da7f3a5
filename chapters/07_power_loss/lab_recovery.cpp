// Chapter 07's disk after the plug: see lab_recovery.hpp. ext4 is read on
// the host (e2fsck replays the journal, debugfs dumps the file); xfs and
// btrfs replay their log only when mounted, so a short recovery boot mounts
// the disk and prints the file.
#include "lab_recovery.hpp"

#include <optional>
#include <sstream>

#include "guest_console.hpp"
#include "lab_files.hpp"
#include "msync/child_process.hpp"

namespace ch07 {

namespace {

constexpr std::string_view records_in_guest = "/records";  // /lab/records in the guest

// Reads the records file from the console of a recovery boot: the hex lines
// (od -An -tx1) between "RECORDS BEGIN" and "RECORDS END".
std::optional<std::string> records_from_console(const std::filesystem::path& console_log) {
  std::istringstream console(mbe::read_all(console_log));
  std::string line, bytes;
  bool inside = false;
  while (std::getline(console, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "RECORDS MISSING") return std::nullopt;
    if (line == "RECORDS BEGIN") {
      inside = true;
    } else if (line == "RECORDS END") {
      return bytes;
    } else if (inside) {
      append_hex_bytes(line, bytes);
    }
  }
  trial_failed("the recovery boot printed no records (console: " + console_log.string() + ")");
}

}  // namespace

TrialResult recover(const Guest& guest, const Trial& trial, const Disk& disk,
                    const ConsoleReport& console) {
  if (!console.ready) trial_failed("the writer never printed READY");
  const auto& work = trial.work;
  const auto tool_output = work / "tool-output.txt";
  TrialResult result;
  result.kernel = console.kernel;
  result.recovery_start = "host";
  // [recover]
  auto recovered = disk.image;
  if (trial.model == PowerModel::volatile_cache) {
    recovered = work / "disk-after-power-loss.img";
    copy_image(disk.before, recovered);
    result.replay = replay_to_last_flush(disk.write_log, recovered);
  }
  std::optional<std::string> file;  // the records file, if it came back
  if (is_ext4(trial.filesystem)) {
    // What the next boot would do first: replay the filesystem's journal.
    if (run_tool({find_tool("e2fsck"), "-E", "journal_only", "-y", recovered}, tool_output) > 1)
      trial_failed("e2fsck -E journal_only failed: " +
                   mbe::read_all(tool_output));  // 1: the journal was replayed
    const auto records = work / "records.recovered";
    if (run_tool({find_tool("debugfs"), "-R",
                  "dump " + std::string(records_in_guest) + " " + records.string(), recovered},
                 tool_output) != 0)  // 0 also when the file is not there
      trial_failed("debugfs failed: " + mbe::read_all(tool_output));
    if (std::error_code missing; std::filesystem::exists(records, missing))
      file = mbe::read_all(records);
  } else {
    // xfs and btrfs replay their log when mounted: the next boot, for real.
    Disk next_boot;
    next_boot.image = recovered;
    next_boot.drive_arguments = {"-drive", virtio_drive(recovered)};
    next_boot.restorable = true;
    RunningGuest booted(guest, trial, next_boot, "recover");
    booted.wait_for_poweroff(trial.boot_timeout + std::chrono::seconds(60));
    result.recovery_start = booted.restored() ? "restored" : "booted";
    file = records_from_console(booted.console_log());
  }
  // The filesystem's own checker, read-only: it must find nothing.
  FilesystemTools tools = tools_of(trial.filesystem);
  tools.check[0] = find_tool(tools.check[0]);
  tools.check.push_back(recovered);
  result.filesystem_clean = run_tool(tools.check, work / "fsck.txt") == 0;
  // [recover]
  result.record_file_found = file.has_value();
  const std::string bytes = file.value_or(std::string());
  result.survivors =
      count_survivors(std::as_bytes(std::span(bytes.data(), bytes.size())), console.acknowledged);
  return result;
}

}  // namespace ch07
