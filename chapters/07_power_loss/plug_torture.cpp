// plug_torture — many power losses at random moments; no acknowledged record may go.
//
// Usage: ch07_plug_torture [--pulls N] [--mode MODE] [--model kill|volatile_cache|both]
//          [--filesystem FS[,FS...]|all] [--records N] [--seed S] [--guest DIR] [--work DIR]
//
// Runs N trials of ch07_pull_the_plug's experiment (default 20, MODE ms_sync,
// both power models in turn) on each filesystem named (ext4-journal,
// ext4-nojournal, xfs, btrfs; default ext4-journal; "all": the four), one
// after the other, each with its plug pulled after a random ACK and
// a random 0-20 ms more, so that the power goes in every phase of a record:
// while it is stored, while msync writes it, while the disk flushes. One
// key=value line per pull (ch07::summary_line), then a summary line per
// filesystem (torture filesystem= pulls= total_acknowledged= total_lost=
// unclean_filesystems= seconds=), and the guest's kernel (guest_kernel=). Exit status
// 0 when no acknowledged record was lost and every recovered filesystem with
// a journal or log was clean (ext4 without a journal may need its checker's
// repair after a power loss: counted, not failed), 1 otherwise, 77 when the
// lab is not available here, 2 for bad arguments.
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "guest_lab.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "torture_tally.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_plug_torture [--pulls N] [--mode MODE] [--model kill|volatile_cache|both]\n"
    "         [--filesystem FS[,FS...]|all] [--records N]\n"
    "         [--seed S] [--guest DIR] [--work DIR]\n"
    "  Pulls the plug N times (default 20) on each filesystem FS (ext4-journal (default),\n"
    "  ext4-nojournal, xfs, btrfs; all: the four)\n"
    "  at random moments while the guest's writer stores records with MODE (default\n"
    "  ms_sync); prints a summary line per filesystem.\n"
    "  Exit: 0 nothing acknowledged was lost, 1 something was, 77 lab unavailable.\n";

// --filesystem: names separated by commas, or "all" four; empty when one is unknown.
std::vector<ch07::Filesystem> filesystems_named(std::string_view names) {
  if (names == "all")
    return {ch07::Filesystem::ext4_journal, ch07::Filesystem::ext4_nojournal, ch07::Filesystem::xfs,
            ch07::Filesystem::btrfs};
  std::vector<ch07::Filesystem> named;
  for (std::size_t start = 0, comma; start <= names.size(); start = comma + 1) {
    comma = std::min(names.find(',', start), names.size());
    const auto filesystem = ch07::parse_filesystem(names.substr(start, comma - start));
    if (!filesystem) return {};
    named.push_back(*filesystem);
  }
  return named;
}

}  // namespace

int main(int argc, char** argv) {
  // Past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ. Images, logs, console
  // output: 0644 at most, even under umask 0.
  mbe::report_file_size_limit_as_error();
  mbe::never_create_group_or_world_writable();
  const char *mode = "ms_sync", *model_text = "both", *filesystem_text = "ext4-journal",
             *guest_dir = MBE_CH07_GUEST_DIR, *work_dir = nullptr;
  std::uint64_t pulls = 20, records = 256, seed = std::random_device{}();
  std::span<const char*> no_operands;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, no_operands,
          {mbe::Option::number("--pulls", pulls, 1, 10'000), mbe::Option::text("--mode", mode),
           mbe::Option::text("--model", model_text),
           mbe::Option::text("--filesystem", filesystem_text),
           mbe::Option::number("--records", records, 1, 65536),
           mbe::Option::number("--seed", seed, 0, UINT64_MAX),
           mbe::Option::text("--guest", guest_dir), mbe::Option::text("--work", work_dir)}))
    return *exit_status;
  const std::string_view model_choice = model_text;
  const auto writer_mode = ch07::parse_mode(mode);
  const auto filesystems = filesystems_named(filesystem_text);
  if (!writer_mode || (model_choice != "both" && !ch07::parse_model(model_choice)) ||
      filesystems.empty()) {
    std::fprintf(stderr, "ch07_plug_torture: unknown %s\n%.*s",
                 !writer_mode          ? "--mode"
                 : filesystems.empty() ? "--filesystem"
                                       : "--model",
                 static_cast<int>(usage.size()), usage.data());
    return 2;
  }
  std::filesystem::path temporary;
  std::uint64_t pull = 0;  // pulls started, on all filesystems
  const auto started = std::chrono::steady_clock::now();
  ch07::Tally all;
  bool failed = false;  // a lost record, or an unclean filesystem that has a journal or log
  std::string kernel = "unknown";
  try {
    std::vector<ch07::Guest> guests;  // every filesystem's tools checked before the first pull
    guests.reserve(filesystems.size());
    for (const auto filesystem : filesystems)
      guests.push_back(ch07::find_guest(guest_dir, filesystem));
    const auto work = ch07::work_directory(work_dir, "ch07_torture", temporary);
    std::printf("seed=%llu requested_pulls=%llu mode=%s\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(pulls), mode);
    // [torture]
    std::mt19937_64 random(seed);
    for (std::size_t f = 0; f < filesystems.size(); ++f) {
      ch07::Tally tally;
      const auto filesystem_started = std::chrono::steady_clock::now();
      for (std::uint64_t n = 1; n <= pulls; ++n) {
        ++pull;
        ch07::Trial trial;
        trial.mode = *writer_mode;
        trial.filesystem = filesystems[f];
        trial.model = model_choice == "both" ? (n % 2 != 0 ? ch07::PowerModel::kill_qemu
                                                           : ch07::PowerModel::volatile_cache)
                                             : *ch07::parse_model(model_choice);
        trial.records = records;
        trial.pull_after_ack = std::uniform_int_distribution<std::uint64_t>(1, records)(random);
        trial.pull_delay =
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20'000)(random));
        trial.work = work / ("pull-" + std::to_string(pull));
        std::filesystem::create_directories(trial.work);
        const auto result = ch07::run_trial(guests[f], trial);
        std::printf("pull=%llu pull_after_ack=%llu pull_delay_us=%lld %s\n",
                    static_cast<unsigned long long>(pull),
                    static_cast<unsigned long long>(trial.pull_after_ack),
                    static_cast<long long>(trial.pull_delay.count()),
                    ch07::summary_line(trial, result).c_str());
        std::fflush(stdout);
        tally.add(result);
        if (!result.kernel.empty()) kernel = result.kernel;
        std::error_code ignored;  // cleanup only
        std::filesystem::remove_all(trial.work, ignored);
      }
      ch07::print_tally(ch07::filesystem_name(filesystems[f]), tally,
                        ch07::seconds_since(filesystem_started));
      all.merge(tally);
      failed = failed || tally.lost > 0 ||
               (tally.unclean > 0 && filesystems[f] != ch07::Filesystem::ext4_nojournal);
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
  if (filesystems.size() > 1) ch07::print_tally("all", all, ch07::seconds_since(started));
  std::printf("guest_kernel=%s\n", kernel.c_str());
  std::error_code ignored;
  if (!temporary.empty()) std::filesystem::remove_all(temporary, ignored);
  return failed ? 1 : 0;
}
