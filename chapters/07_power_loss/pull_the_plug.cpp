// pull_the_plug — one power loss in a virtual machine, and what survived it.
//
// Usage: ch07_pull_the_plug --mode MODE [--model kill|volatile_cache]
//          [--records N] [--pull-after-ack N] [--pull-delay-us US] [--seed S]
//          [--guest-writeback] [--guest DIR] [--work DIR]
//
// Boots the chapter's guest (qemu, software emulation) on a fresh ext4 disk
// image. In the guest, ch07_plug_writer stores records into a MAP_SHARED file
// and prints "ACK n" once record n is durable by MODE's rules. Once ACK N
// (--pull-after-ack; random by default) has come, and US microseconds later,
// the plug is pulled: qemu is killed with SIGKILL. The disk is then recovered
// as the next boot would (ext4 journal replay) and read back without booting.
// The last line says how many acknowledged records survived.
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
#include <cerrno>
#include <cstdio>
#include <random>

#include "guest_lab.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_pull_the_plug --mode MODE [--model kill|volatile_cache] [--records N]\n"
    "         [--pull-after-ack N] [--pull-delay-us US] [--seed S] [--guest-writeback]\n"
    "         [--guest DIR] [--work DIR]\n"
    "  Boots the guest, pulls the plug after ACK N (+ US microseconds) and counts the\n"
    "  acknowledged records that survived. MODE: none, ms_async, ms_sync, fsync,\n"
    "  sync_file_range, unmount. N and US are random (from the seed) unless given.\n"
    "  --guest-writeback leaves the guest's periodic writeback on (off by default).\n"
    "  Exit: 0 trial ran, 77 lab unavailable, 1 trial failed, 2 bad arguments.\n";

constexpr std::uint64_t unset = UINT64_MAX;

}  // namespace

int main(int argc, char** argv) {
  // Past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ. Images, logs, console
  // output: 0644 at most, even under umask 0.
  mbe::report_file_size_limit_as_error();
  mbe::never_create_group_or_world_writable();
  const char *mode = nullptr, *model_text = "kill", *guest_dir = MBE_CH07_GUEST_DIR, *work_dir = nullptr;
  std::uint64_t records = 256, pull_after_ack = unset, pull_delay_us = unset, seed = std::random_device{}();
  bool guest_writeback = false;
  std::span<const char*> no_operands;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, no_operands,
          {mbe::Option::text("--mode", mode), mbe::Option::text("--model", model_text),
           mbe::Option::number("--records", records, 1, 65536),
           mbe::Option::number("--pull-after-ack", pull_after_ack, 1, 65536),
           mbe::Option::number("--pull-delay-us", pull_delay_us, 0, 120'000'000),
           mbe::Option::toggle("--guest-writeback", guest_writeback),
           mbe::Option::number("--seed", seed, 0, UINT64_MAX - 1), mbe::Option::text("--guest", guest_dir),
           mbe::Option::text("--work", work_dir)}))
    return *exit_status;
  const auto model = ch07::parse_model(model_text);
  const bool known_mode = mode && ch07::is_writer_mode(mode);
  if (!known_mode || !model) {
    std::fprintf(stderr, "ch07_pull_the_plug: %s\n%.*s", !known_mode ? "--mode is missing or unknown" : "unknown --model",
                 static_cast<int>(usage.size()), usage.data());
    return 2;
  }

  std::string why_not;
  const auto guest = ch07::find_guest(guest_dir, why_not);
  if (!guest) {
    std::printf("lab unavailable: %s\n", why_not.c_str());
    return 77;
  }

  std::mt19937_64 random(seed);
  ch07::Trial trial;
  trial.mode = mode;
  trial.model = *model;
  trial.records = records;
  trial.guest_writeback = guest_writeback;
  trial.pull_after_ack = pull_after_ack != unset ? pull_after_ack : std::uniform_int_distribution<std::uint64_t>(1, records)(random);
  trial.pull_delay = std::chrono::microseconds(
      pull_delay_us != unset ? pull_delay_us : std::uniform_int_distribution<std::uint64_t>(0, 20'000)(random));
  std::filesystem::path temporary;
  trial.work = ch07::work_directory(work_dir, "ch07_plug", temporary);
  if (trial.work.empty()) return mbe::report_errno("mkdtemp", errno);
  std::printf("seed %llu: pulling the plug after ACK %llu + %lld us (model %s, work %s)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(trial.pull_after_ack),
              static_cast<long long>(trial.pull_delay.count()), model_text, trial.work.c_str());
  std::fflush(stdout);

  const ch07::TrialResult result = ch07::run_trial(*guest, trial);
  if (result.outcome == ch07::TrialResult::Outcome::checked && trial.model == ch07::PowerModel::volatile_cache)
    std::printf("write log: %llu flushes; writes kept %llu, lost with the cache %llu\n",
                static_cast<unsigned long long>(result.replay.flushes),
                static_cast<unsigned long long>(result.replay.writes_replayed),
                static_cast<unsigned long long>(result.replay.writes_dropped));
  std::printf("%s\n", ch07::describe(trial, result).c_str());
  std::error_code ignored;  // cleanup only
  if (!temporary.empty() && result.outcome == ch07::TrialResult::Outcome::checked)
    std::filesystem::remove_all(temporary, ignored);  // kept when something went wrong, to look at
  if (result.outcome == ch07::TrialResult::Outcome::lab_unavailable) return 77;
  return result.outcome == ch07::TrialResult::Outcome::checked ? 0 : 1;
}
