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

#include "guest_lab.hpp"
#include "lab_tools.hpp"

namespace ch07 {

/// The guest kernel's command line before the lab's own words: the serial
/// console, quiet, reboot (qemu: exit) at once on a panic, and
/// no_timer_check — under software emulation on a busy host the kernel's
/// IO-APIC timer check can miss its ticks and panic at boot ("IO-APIC +
/// timer doesn't work!", seen here with three guests on two cores).
/// The rest only saves boot time, which every trial pays twice or more:
/// no self-test of each crypto algorithm at registration, no probe of a PS/2
/// keyboard controller the lab never uses, no kprobe tracing set-up. With
/// them, from qemu's start to the writer's DONE after one record took
/// 2.4-2.9 s (median 2.6) instead of 2.7-4.1 s (median 3.0) here (Debian's
/// 6.1 kernel under qemu TCG, six runs each, taken in turns).
inline constexpr std::string_view guest_kernel_arguments =
    "console=ttyS0 quiet panic=-1 no_timer_check cryptomgr.notests "
    "initcall_blacklist=i8042_init,init_kprobe_trace";

/// qemu's options that boot @p guest on @p disk with @p command_line.
std::vector<std::string> qemu_arguments(const Guest& guest, const Trial& trial, const Disk& disk,
                                        const std::string& command_line);

/// qemu running the guest on a trial's disk, and what its console said.
/// The destructor kills and reaps a qemu still running.
class RunningGuest {
 public:
  /// Boots @p guest on @p disk with the filesystem, writer's mode and records
  /// of @p trial (or disk.words); or, for a disk that allows it, restores the
  /// saved guest (guest_snapshot.hpp) and types them on its serial line.
  /// @p program is what the guest's /init runs: "writer", or "recover"
  /// (mount, print the records file, unmount, power off). The console goes to
  /// trial.work/console.log (the writer) or PROGRAM-console.log.
  /// @throws mbe::Error when qemu cannot be started.
  RunningGuest(const Guest& guest, const Trial& trial, const Disk& disk,
               std::string_view program = "writer");
  ~RunningGuest();
  RunningGuest(const RunningGuest&) = delete;
  RunningGuest& operator=(const RunningGuest&) = delete;

  /// Reads the console until a complete "ACK n" with n >= @p ack (or DONE).
  /// @throws LabUnavailable when the guest printed no READY within the boot
  /// timeout; mbe::Error for a "LAB ERROR" line, qemu's own exit, or no ACK
  /// within 300 s more.
  void wait_for_ack(std::uint64_t ack);

  /// Reads the console until the guest powers itself off and reaps qemu.
  /// @throws mbe::Error for a "LAB ERROR" line or no power-off within @p timeout.
  void wait_for_poweroff(std::chrono::seconds timeout);

  /// The file the console is copied to.
  const std::filesystem::path& console_log() const noexcept { return console_log_; }

  /// Whether the guest was restored rather than booted.
  bool restored() const noexcept { return restored_; }

  /// qemu's process: kill(qemu(), SIGKILL) pulls the plug.
  pid_t qemu() const noexcept { return qemu_; }

  /// After the plug: reaps qemu and reads what it printed before it died
  /// (complete lines only: the kill can cut the last one).
  ConsoleReport after_the_plug();

 private:
  bool read_console(int timeout_ms);  // false once qemu's end of the pipe is closed
  void take_lines();

  Trial trial_;
  std::filesystem::path console_log_;
  pid_t qemu_ = -1;
  int console_ = -1;
  int input_ = -1;  // qemu's standard input: the serial line into the guest
  bool restored_ = false;
  std::string parameters_;  // for a restored guest, until it asks for them
  std::ofstream log_;
  std::string pending_;
  std::string lab_error_;
  ConsoleReport report_;
};

}  // namespace ch07
