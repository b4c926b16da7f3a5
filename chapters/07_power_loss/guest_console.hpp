// Chapter 07's guest at work: qemu booted on the trial's disk, its serial
// console read line by line until the moment to pull the plug. The plug
// itself is one call in the program: kill(qemu, SIGKILL).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "guest_command.hpp"
#include "guest_lab.hpp"
#include "guest_snapshot.hpp"
#include "lab_tools.hpp"

namespace ch07 {

/// qemu running the guest on a trial's disk, and what its console said.
/// The destructor kills and reaps a qemu still running.
class RunningGuest {
 public:
  /// Boots @p guest on @p disk with the filesystem, writer's mode and records
  /// of @p trial (or disk.words); or, for a disk that allows it, restores the
  /// saved guest (guest_snapshot.hpp) and types them on its serial line.
  /// @p program is what the guest's /init runs: "writer", or "recover"
  /// (mount, print the records file, unmount, power off). The console goes to
  /// trial.work/console.log (the writer) or PROGRAM-console.log. The first
  /// trial of a filesystem and disk layout saves the guest first (seconds).
  /// @throws mbe::Error when qemu cannot be started or the save fails;
  /// LabUnavailable when the guest to save does not boot in time.
  RunningGuest(const Guest& guest, const Trial& trial, const Disk& disk,
               std::string_view program = "writer");
  ~RunningGuest();
  RunningGuest(const RunningGuest&) = delete;
  RunningGuest& operator=(const RunningGuest&) = delete;

  /// Reads the console until a complete "ACK n" with n >= @p ack (or DONE).
  /// @throws LabUnavailable when a booted guest printed no READY within the
  /// boot timeout; mbe::Error when a restored one printed none within 60 s
  /// (its saved state is removed), for a "LAB ERROR" line, qemu's own exit,
  /// or no ACK within 300 s more.
  void wait_for_ack(std::uint64_t ack);

  /// Reads the console until the guest powers itself off and reaps qemu.
  /// @throws mbe::Error for a "LAB ERROR" line or no power-off within
  /// @p timeout (a restored guest's saved state is then removed).
  void wait_for_poweroff(std::chrono::seconds timeout);

  /// The file the console is copied to.
  const std::filesystem::path& console_log() const noexcept { return console_log_; }

  /// Whether the guest was restored rather than booted.
  bool restored() const noexcept { return !saved_.path().empty(); }

  /// qemu's process: kill(qemu(), SIGKILL) pulls the plug.
  pid_t qemu() const noexcept { return qemu_.pid(); }

  /// After the plug: reaps qemu and reads what it printed before it died
  /// (complete lines only: the kill can cut the last one).
  ConsoleReport after_the_plug();

 private:
  bool read_console(int timeout_ms);  // false once qemu's end of the pipe is closed
  void take_lines();
  void type_parameters();
  [[noreturn]] void qemu_exited(std::string_view when);
  [[noreturn]] void restore_failed(std::string_view what);

  // A restored guest mounts and starts its program in seconds; a boot may
  // take trial.boot_timeout on a busy machine.
  static constexpr std::chrono::seconds restored_ready_timeout{60};

  Trial trial_;
  std::filesystem::path console_log_;
  KilledUnlessReaped qemu_;  // killed and reaped with the RunningGuest if still running
  int console_ = -1;
  int input_ = -1;          // qemu's standard input: the serial line into the guest
  SavedGuestFile saved_;    // the saved guest restored, or none: a boot
  std::string parameters_;  // the line a restored guest waits for
  bool resumed_ = false;    // the restored guest has printed WAITING: its state loaded
  bool taken_ = false;      // the guest has printed TAKEN (or, booted, GUEST)
  int typed_ = 0;
  std::ofstream log_;
  std::string pending_;
  std::string lab_error_;
  ConsoleReport report_;
};

}  // namespace ch07
