// plug_torture — many power losses at random moments; no acknowledged record may go.
//
// Usage: ch07_plug_torture [--pulls N] [--mode MODE] [--model kill|volatile_cache|both]
//          [--records N] [--seed S] [--guest DIR] [--work DIR]
//
// Runs N trials of ch07_pull_the_plug's experiment (default 20, MODE ms_sync,
// both power models in turn), each with its plug pulled after a random ACK and
// a random 0-20 ms more, so that the power goes in every phase of a record:
// while it is stored, while msync writes it, while the disk flushes. One
// key=value line per pull (ch07::summary_line), then a summary line
// (pulls= total_acknowledged= total_lost= unclean_filesystems=). Exit status 0 when no acknowledged
// record was lost and every recovered filesystem was clean, 1 otherwise, 77 when the lab is not
// available here, 2 for bad arguments.
#include <cstdio>
#include <random>

#include "guest_lab.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_plug_torture [--pulls N] [--mode MODE] [--model kill|volatile_cache|both]\n"
    "         [--records N] [--seed S] [--guest DIR] [--work DIR]\n"
    "  Pulls the plug N times (default 20) at random moments while the guest's writer\n"
    "  stores records with MODE (default ms_sync); prints a summary line.\n"
    "  Exit: 0 nothing acknowledged was lost, 1 something was, 77 lab unavailable.\n";

}  // namespace

int main(int argc, char** argv) {
  // Past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ. Images, logs, console
  // output: 0644 at most, even under umask 0.
  mbe::report_file_size_limit_as_error();
  mbe::never_create_group_or_world_writable();
  const char *mode = "ms_sync", *model_text = "both", *guest_dir = MBE_CH07_GUEST_DIR,
             *work_dir = nullptr;
  std::uint64_t pulls = 20, records = 256, seed = std::random_device{}();
  std::span<const char*> no_operands;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, no_operands,
          {mbe::Option::number("--pulls", pulls, 1, 10'000), mbe::Option::text("--mode", mode),
           mbe::Option::text("--model", model_text),
           mbe::Option::number("--records", records, 1, 65536),
           mbe::Option::number("--seed", seed, 0, UINT64_MAX),
           mbe::Option::text("--guest", guest_dir), mbe::Option::text("--work", work_dir)}))
    return *exit_status;
  const std::string_view model_choice = model_text;
  const auto writer_mode = ch07::parse_mode(mode);
  if (!writer_mode || (model_choice != "both" && !ch07::parse_model(model_choice))) {
    std::fprintf(stderr, "ch07_plug_torture: unknown %s\n%.*s", writer_mode ? "--model" : "--mode",
                 static_cast<int>(usage.size()), usage.data());
    return 2;
  }
  std::filesystem::path temporary;
  std::uint64_t pull = 0, acknowledged = 0, lost = 0, unclean = 0;
  try {
    const ch07::Guest guest = ch07::find_guest(guest_dir);
    const auto work = ch07::work_directory(work_dir, "ch07_torture", temporary);
    std::printf("seed=%llu requested_pulls=%llu mode=%s\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(pulls), mode);
    // [torture]
    std::mt19937_64 random(seed);
    for (pull = 1; pull <= pulls; ++pull) {
      ch07::Trial trial;
      trial.mode = *writer_mode;
      trial.model = model_choice == "both" ? (pull % 2 != 0 ? ch07::PowerModel::kill_qemu
                                                            : ch07::PowerModel::volatile_cache)
                                           : *ch07::parse_model(model_choice);
      trial.records = records;
      trial.pull_after_ack = std::uniform_int_distribution<std::uint64_t>(1, records)(random);
      trial.pull_delay =
          std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20'000)(random));
      trial.work = work / ("pull-" + std::to_string(pull));
      std::filesystem::create_directories(trial.work);
      const auto result = ch07::run_trial(guest, trial);
      std::printf("pull=%llu pull_after_ack=%llu pull_delay_us=%lld %s\n",
                  static_cast<unsigned long long>(pull),
                  static_cast<unsigned long long>(trial.pull_after_ack),
                  static_cast<long long>(trial.pull_delay.count()),
                  ch07::summary_line(trial, result).c_str());
      std::fflush(stdout);
      acknowledged += result.survivors.acknowledged;
      lost += result.survivors.acknowledged - result.survivors.survived;
      unclean += result.filesystem_clean ? 0 : 1;
      std::error_code ignored;  // cleanup only
      std::filesystem::remove_all(trial.work, ignored);
    }
    // [torture]
  } catch (const ch07::LabUnavailable& unavailable) {
    std::printf("lab unavailable: %s\n", unavailable.what());
    // At the first pull: this machine cannot run the lab (skip). Later,
    // after it ran: the run failed, it is no skip.
    return pull <= 1 ? 77 : 1;
  } catch (const std::exception& error) {  // mbe::Error, or create_directories' filesystem_error
    std::fprintf(stderr, "ch07_plug_torture: pull %llu failed: %s\n",
                 static_cast<unsigned long long>(pull), error.what());
    return 1;
  }
  std::printf("pulls=%llu total_acknowledged=%llu total_lost=%llu unclean_filesystems=%llu\n",
              static_cast<unsigned long long>(pull - 1),  // all done: one past the last
              static_cast<unsigned long long>(acknowledged), static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(unclean));
  std::error_code ignored;
  if (!temporary.empty()) std::filesystem::remove_all(temporary, ignored);
  return lost == 0 && unclean == 0 ? 0 : 1;
}
