// pull_the_plug — one power loss in a virtual machine, and what survived it.
//
// Usage: ch07_pull_the_plug --mode MODE [--model kill|volatile_cache]
//          [--filesystem ext4-journal|ext4-nojournal|xfs|btrfs] [--records N]
//          [--pull-after-ack N] [--pull-delay-us US] [--seed S]
//          [--guest-writeback] [--guest DIR] [--work DIR]
//
// Starts the chapter's guest (qemu, software emulation) on a fresh disk image
// of the filesystem (default ext4 with its journal): restored from the state
// saved at the end of its set-up, or booted (MBE_LAB_BOOT=fresh; see
// guest_snapshot.hpp). In the guest,
// ch07_plug_writer stores records into a MAP_SHARED file and prints "ACK n"
// once record n is durable by MODE's rules. Once ACK N (--pull-after-ack;
// random by default) has come, and US microseconds later, the plug is
// pulled: qemu is killed with SIGKILL. The disk is then recovered as the next
// boot would (ext4: journal replay on the host; xfs, btrfs: a recovery boot
// mounts it) and checked by the filesystem's own checker. Then key=value
// lines: how many acknowledged records survived (mode= model= acknowledged=
// survived= lost= ...; see ch07::summary_line), guest_kernel= (the guest's
// kernel), guest_start= and recovery_start= (restored, booted; recovery on
// the host: host) and trial_seconds= (the whole trial). The steps are below, in
// order; the disk, the console and the recovery are the lab's library
// (guest_lab.hpp, guest_console.hpp, lab_recovery.hpp).
//
// --model volatile_cache gives the disk a volatile write cache: only the
// writes before the guest's last flush survive (qemu logs every write and
// flush; ch07_replay_to_flush keeps what a flush made durable).
//
// The guest's periodic writeback and journal commits are off, so that only
// the program decides what reaches the disk; --guest-writeback leaves them on
// (then dirty pages older than 30 s are written within about 5 s more).
//
// Exit status: 0 when the trial ran (whatever survived), 77 when the lab is
// not available here (no qemu, no guest kernel, the guest does not boot),
// 1 when the trial failed, 2 for bad arguments.
#include <signal.h>

#include <cstdio>
#include <random>
#include <thread>

#include "guest_console.hpp"
#include "guest_lab.hpp"
#include "lab_recovery.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_pull_the_plug --mode MODE [--model kill|volatile_cache] [--records N]\n"
    "         [--filesystem ext4-journal|ext4-nojournal|xfs|btrfs] [--pull-after-ack N] "
    "[--pull-delay-us US] [--seed S] [--guest-writeback]\n"
    "         [--guest DIR] [--work DIR]\n"
    "  Starts the guest, pulls the plug after ACK N (+ US microseconds) and counts the\n"
    "  acknowledged records that survived (a key=value line). MODE: none, ms_async,\n"
    "  ms_sync, fsync, fdatasync, sync_file_range, unmount. N and US are random (from the seed)\n"
    "  unless given.\n"
    "  --guest-writeback leaves the guest's periodic writeback on (off by default).\n"
    "  MBE_LAB_BOOT=fresh boots the guest instead of restoring the one saved after its set-up.\n"
    "  Exit: 0 trial ran, 77 lab unavailable, 1 trial failed, 2 bad arguments.\n";

constexpr std::uint64_t unset = UINT64_MAX;

}  // namespace

int main(int argc, char** argv) {
  // Past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ. Images, logs, console
  // output: 0644 at most, even under umask 0.
  mbe::report_file_size_limit_as_error();
  mbe::never_create_group_or_world_writable();
  const char *mode = nullptr, *model_text = "kill", *filesystem_text = "ext4-journal",
             *guest_dir = MBE_CH07_GUEST_DIR, *work_dir = nullptr;
  std::uint64_t records = 256, pull_after_ack = unset, pull_delay_us = unset,
                seed = std::random_device{}();
  bool guest_writeback = false;
  std::span<const char*> no_operands;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, no_operands,
          {mbe::Option::text("--mode", mode), mbe::Option::text("--model", model_text),
           mbe::Option::text("--filesystem", filesystem_text),
           mbe::Option::number("--records", records, 1, 65536),
           mbe::Option::number("--pull-after-ack", pull_after_ack, 1, 65536),
           mbe::Option::number("--pull-delay-us", pull_delay_us, 0, 120'000'000),
           mbe::Option::toggle("--guest-writeback", guest_writeback),
           mbe::Option::number("--seed", seed, 0, UINT64_MAX - 1),
           mbe::Option::text("--guest", guest_dir), mbe::Option::text("--work", work_dir)}))
    return *exit_status;
  const auto model = ch07::parse_model(model_text);
  const auto writer_mode = ch07::parse_mode(mode != nullptr ? mode : "");
  const auto filesystem = ch07::parse_filesystem(filesystem_text);
  if (!writer_mode || !model || !filesystem) {
    std::fprintf(stderr, "ch07_pull_the_plug: %s\n%.*s",
                 !writer_mode ? "--mode is missing or unknown"
                 : !model     ? "unknown --model"
                              : "unknown --filesystem",
                 static_cast<int>(usage.size()), usage.data());
    return 2;
  }
  std::mt19937_64 random(seed);
  ch07::Trial trial;
  trial.mode = *writer_mode;
  trial.model = *model;
  trial.filesystem = *filesystem;
  trial.records = records;
  trial.guest_writeback = guest_writeback;
  trial.pull_after_ack = pull_after_ack != unset
                             ? pull_after_ack
                             : std::uniform_int_distribution<std::uint64_t>(1, records)(random);
  trial.pull_delay = std::chrono::microseconds(
      pull_delay_us != unset ? pull_delay_us
                             : std::uniform_int_distribution<std::uint64_t>(0, 20'000)(random));
  std::filesystem::path temporary;
  try {
    const ch07::Guest guest = ch07::find_guest(guest_dir, trial.filesystem);
    trial.work = ch07::work_directory(work_dir, "ch07_plug", temporary);
    std::printf("seed=%llu pull_after_ack=%llu pull_delay_us=%lld work=%s\n",
                static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(trial.pull_after_ack),
                static_cast<long long>(trial.pull_delay.count()), trial.work.c_str());
    std::fflush(stdout);
    const auto started = std::chrono::steady_clock::now();
    // [pull]
    const ch07::Disk disk = ch07::make_disk(guest, trial);  // a fresh filesystem image
    ch07::RunningGuest running(guest, trial, disk);  // the guest starts; its writer stores, syncs
    running.wait_for_ack(trial.pull_after_ack);      // a complete "ACK n" line, n >= N
    std::this_thread::sleep_for(trial.pull_delay);
    ::kill(running.qemu(), SIGKILL);  // the plug
    const ch07::ConsoleReport console = running.after_the_plug();
    const ch07::TrialResult result =
        ch07::recover(guest, trial, disk, console);  // as the next boot sees it
    // [pull]
    std::printf("%s\n", ch07::summary_line(trial, result).c_str());
    std::printf("guest_kernel=%s\n", result.kernel.empty() ? "unknown" : result.kernel.c_str());
    std::printf("guest_start=%s recovery_start=%s\n", running.restored() ? "restored" : "booted",
                result.recovery_start.c_str());
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    std::printf("trial_seconds=%.1f\n", took.count());  // disk, boot, pull and recovery
  } catch (const ch07::LabUnavailable& unavailable) {
    std::printf("lab unavailable: %s\n", unavailable.what());
    return 77;
  } catch (const mbe::Error& error) {
    std::fprintf(stderr, "ch07_pull_the_plug: trial failed: %s\n", error.what());
    return 1;  // the work directory is kept, to look at
  }
  std::error_code ignored;  // cleanup only
  if (!temporary.empty()) std::filesystem::remove_all(temporary, ignored);
  return 0;
}
