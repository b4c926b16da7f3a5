// sigkill_torture — kill chapter 05's producer at random moments, N times,
// and check after every kill that no acknowledged record is lost and no torn
// record is accepted.
//
// Usage: ch06_sigkill_torture [--kills N] [--max-delay-us U] [--record-size B]
//          [--seed S] [--dir DIR] [--bin DIR]
//
// Each round starts ch05_record_producer on a new file (--acks, no msync),
// waits until the file exists (every tenth round: not even that), then a
// random 0..U µs (default 3000), sends SIGKILL, and runs ch05_record_recover
// on what is left. The programs are found in --bin
// (default: this program's own directory); they are used as black boxes.
// Ends with one line:
//   kills=N lost=0 torn_accepted=0 bad_committed=0 torn_rejected=T acked=A no_file=F seed=S
// Exit status: 0 nothing lost; 1 any loss, any torn record accepted, any error
// — including a producer that exited with an error instead of being killed, a
// recovery scan that crashed, or a run in which no round got as far as a file.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include "msync/child_process.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "record_format.hpp"
#include "torture_check.hpp"
#include "torture_children.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch06_sigkill_torture [--kills N] [--max-delay-us U] [--record-size B]\n"
    "         [--seed S] [--dir DIR] [--bin DIR]\n"
    "  Kills ch05_record_producer N times (default 100) at a random moment within\n"
    "  U µs (default 3000) of its first record (every tenth round: of its start)\n"
    "  and checks each time, with\n"
    "  ch05_record_recover, that every acknowledged record survived and that no\n"
    "  torn record was accepted. Records are B bytes (default 16384) so that most\n"
    "  kills land in the middle of one. Scratch files go to DIR (default /var/tmp).\n";
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t kills = 100, max_delay_us = 3000, record_size = 16384,
                seed = std::random_device{}();
  const char* directory = "/var/tmp";
  const char* bin = nullptr;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {},
          {mbe::Option::number("--kills", kills, 1, 1'000'000),
           mbe::Option::number("--max-delay-us", max_delay_us, 0, 10'000'000),
           mbe::Option::number("--record-size", record_size, 32, 1U << 20),
           mbe::Option::number("--seed", seed, 0, UINT64_MAX),
           mbe::Option::text("--dir", directory), mbe::Option::text("--bin", bin)}))
    return *exit_status;
  // The producer's own rule, checked here: a size it refuses would make every
  // round a "no file" round, and the torture a pass that tested nothing.
  if (auto why = ch05::why_bad_record_size(record_size); !why.empty()) {
    std::cerr << "ch06_sigkill_torture: --record-size: " << why << '\n' << usage;
    return 2;
  }
  std::error_code no_exe;  // then bin_dir is empty and the first spawn names the problem
  const auto bin_dir = bin != nullptr
                           ? std::filesystem::path(bin)
                           : std::filesystem::read_symlink("/proc/self/exe", no_exe).parent_path();
  const auto producer = (bin_dir / "ch05_record_producer").string();
  const auto recover = (bin_dir / "ch05_record_recover").string();

  std::uint64_t lost = 0, torn_accepted = 0, bad_committed = 0, torn_rejected = 0, acked_total = 0,
                no_file = 0;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::uint64_t> delay_us(0, max_delay_us);
  std::filesystem::path scratch;
  try {
    std::string pattern = (std::filesystem::path(directory) / "ch06-torture.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return mbe::report_errno("mkdtemp " + pattern, errno);
    scratch = pattern;
    // [round]
    for (std::uint64_t round = 0; round < kills; ++round) {
      const auto file = scratch / "stream.rec", acks = scratch / "acks.txt",
                 report = scratch / "recover.txt";
      mbe::remove_quietly(file);
      mbe::remove_quietly(scratch / "stream.rec.creating");  // left when a kill came mid-creation
      const pid_t pid =
          mbe::spawn_with_output({producer, file.string(), "--records", "100000", "--record-size",
                                  std::to_string(record_size), "--durability", "none", "--acks"},
                                 acks);
      // Most rounds kill while records are being written: wait for the file
      // first (starting the producer takes a few ms). Every tenth round kills
      // from the start instead, often in the middle of creating the file.
      if (round % 10 != 0) ch06::wait_for_file(file, pid);
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
      ::kill(pid, SIGKILL);
      // Killed, or finished first if the delay was long: both are fine. Any
      // other end is the producer failing, and the run with it.
      if (const int status = mbe::wait_status(pid, producer);
          !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) &&
          !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        throw std::runtime_error("round " + std::to_string(round) + ": " + producer +
                                 " ended with " + ch06::how_it_ended(status) +
                                 " instead of being killed: " + mbe::read_all(acks));

      const auto acknowledged = ch06::last_count(mbe::read_all(acks), "ACK ");
      acked_total += acknowledged;
      if (std::error_code missing; !std::filesystem::exists(
              file, missing)) {  // killed before the file was renamed into place
        ++no_file;
        lost += acknowledged;  // nothing can have been acknowledged without a file
        continue;
      }
      // 0: every committed record valid; 1: a bad one, reported in the summary. Nothing else.
      if (const int status =
              mbe::wait_status(mbe::spawn_with_output({recover, file.string()}, report), recover);
          !WIFEXITED(status) || WEXITSTATUS(status) > 1)
        throw std::runtime_error("round " + std::to_string(round) + ": " + recover +
                                 " ended with " + ch06::how_it_ended(status) + ": " +
                                 mbe::read_all(report));
      const auto recovered = ch06::parse_recovery(mbe::read_all(report));
      if (!recovered)
        throw std::runtime_error("unexpected recovery report: " + mbe::read_all(report));
      const auto verdict = ch06::judge_round(acknowledged, *recovered);
      lost += verdict.lost;
      torn_accepted += verdict.torn_accepted;
      bad_committed += verdict.bad_committed ? 1 : 0;
      torn_rejected += verdict.torn_rejected ? 1 : 0;
    }
    // [round]
    if (no_file == kills)
      throw std::runtime_error("no round got as far as a record file: nothing was tested");
  } catch (const std::exception& error) {
    std::cerr << "ch06_sigkill_torture: " << error.what() << '\n';
    std::error_code ignored;  // cleanup: the error above is the one to report
    if (!scratch.empty()) std::filesystem::remove_all(scratch, ignored);
    return 1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  std::cout << "kills=" << kills << " lost=" << lost << " torn_accepted=" << torn_accepted
            << " bad_committed=" << bad_committed << " torn_rejected=" << torn_rejected
            << " acked=" << acked_total << " no_file=" << no_file << " seed=" << seed << '\n';
  return lost == 0 && torn_accepted == 0 && bad_committed == 0 ? 0 : 1;
}
