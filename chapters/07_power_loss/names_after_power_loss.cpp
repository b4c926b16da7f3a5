// names_after_power_loss — which name survives a power loss: old file, new file, nothing?
//
// Usage: ch07_names_after_power_loss [--filesystem FS] [--model kill|volatile_cache]
//          [--boots N] [--guest DIR] [--work DIR]
//
// Boots chapter 07's guest with one small disk per scenario (FS: ext4-journal,
// ext4-nojournal, xfs, btrfs). In the guest, ch07_names_writer runs each
// scenario on its own disk — a new file fsynced without its directory; a
// fsynced temporary renamed over FILE, with nothing after it, with fsync(FILE)
// after it, with fsync(directory) after it — and prints "ACK n" once scenario
// n's last call has returned. After the last ACK the plug is pulled. Each
// disk is then read back as the next boot would: for volatile_cache (the
// default) only what the disk's last flush made durable; then the log replay
// (ext4: e2fsck, which repairs what it must; xfs, btrfs: a recovery boot
// mounts each disk) and the filesystem's checker.
// One line per boot (bootN.SCENARIO=FILE's fate, .temporary=, .checker=,
// .unflushed_writes=), then per scenario its outcomes over all boots
// (rename=old:5 — "always"; rename=old:3/new:2 — "sometimes"),
// SCENARIO_temporary=, SCENARIO_repaired= (boots whose checker found damage),
// SCENARIO_unflushed_writes= (summed), and filesystem= model= boots=
// guest_kernel= (the guest's uname -r) seconds=.
//
// Exit status: 0 when every boot ran, 77 when the lab is not available here,
// 1 when a boot failed, 2 for bad arguments.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "guest_console.hpp"
#include "lab_files.hpp"
#include "msync/cli.hpp"
#include "msync/files.hpp"
#include "names_lab.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_names_after_power_loss [--filesystem FS] [--model kill|volatile_cache]\n"
    "         [--boots N] [--guest DIR] [--work DIR]\n"
    "  Pulls the plug right after new names and renames (one disk per scenario), N\n"
    "  boots (default 5), and says what each name held afterwards: old, new, none,\n"
    "  cleared (the checker removed it). FS: ext4-journal (default), ext4-nojournal,\n"
    "  xfs, btrfs. Exit: 0 ran, 77 lab unavailable, 1 a boot failed, 2 bad arguments.\n";

using Tally = std::map<std::string, std::uint64_t>;  // outcome -> boots

std::string tally_text(const Tally& tally) {  // "old:5" or "old:3/new:2"
  std::string text;
  for (const auto& [outcome, count] : tally)
    text += (text.empty() ? "" : "/") + outcome + ":" + std::to_string(count);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();
  mbe::never_create_group_or_world_writable();
  const char *filesystem_text = "ext4-journal", *model_text = "volatile_cache",
             *guest_dir = MBE_CH07_GUEST_DIR, *work_dir = nullptr;
  std::uint64_t boots = 5;
  std::span<const char*> no_operands;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, no_operands,
          {mbe::Option::text("--filesystem", filesystem_text),
           mbe::Option::text("--model", model_text), mbe::Option::number("--boots", boots, 1, 1000),
           mbe::Option::text("--guest", guest_dir), mbe::Option::text("--work", work_dir)}))
    return *exit_status;
  const auto filesystem = ch07::parse_filesystem(filesystem_text);
  const auto model = ch07::parse_model(model_text);
  if (!filesystem || !model) {
    std::fprintf(stderr, "ch07_names_after_power_loss: unknown %s\n%s",
                 !filesystem ? "--filesystem" : "--model", usage.data());
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  std::map<ch07::NameScenario, Tally> files, temporaries;
  std::map<ch07::NameScenario, std::uint64_t> repaired, unflushed;
  std::filesystem::path temporary;
  std::string guest_kernel;
  try {
    const ch07::Guest guest = ch07::find_guest(guest_dir, *filesystem);
    const auto work = ch07::work_directory(work_dir, "ch07_names", temporary);
    for (std::uint64_t boot = 1; boot <= boots; ++boot) {
      ch07::Trial trial;  // the guest's words are names_words'
      trial.model = *model;
      trial.filesystem = *filesystem;
      trial.work = work / ("boot" + std::to_string(boot));
      if (std::error_code error; !std::filesystem::create_directories(trial.work, error))
        mbe::throw_error("mkdir " + trial.work.string(),
                         error ? error : std::make_error_code(std::errc::file_exists));
      // [pull]
      std::vector<ch07::NameDisk> disks;  // one fresh filesystem per scenario
      disks.reserve(ch07::all_name_scenarios.size());
      for (const auto scenario : ch07::all_name_scenarios)
        disks.push_back(
            ch07::make_name_disk(*filesystem, *model, scenario, trial.work, disks.size()));
      std::vector<std::filesystem::path> initrd = {guest.initramfs, guest.modules};
      if (!guest.filesystem_modules.empty())
        initrd.push_back(guest.filesystem_modules);  // xfs, btrfs
      ch07::concatenate(initrd, trial.work / "initrd.cpio");
      ch07::Disk all;  // every disk, and the words that run ch07_names_writer
      for (const auto& disk : disks)
        all.drive_arguments.insert(all.drive_arguments.end(), disk.drive_arguments.begin(),
                                   disk.drive_arguments.end());
      all.words = ch07::names_words(*filesystem, disks);
      all.restorable = true;
      ch07::RunningGuest running(guest, trial, all);
      running.wait_for_ack(disks.size());  // the last scenario's last call has returned...
      ::kill(running.qemu(), SIGKILL);     // ...and the plug goes at once
      guest_kernel = running.after_the_plug().kernel;
      const auto outcomes = ch07::read_names_back(guest, trial, disks);  // as the next boot sees
      // [pull]
      std::string line;
      for (std::size_t n = 0; n < disks.size(); ++n) {
        const auto& disk = disks[n];
        const auto& outcome = outcomes[n];
        const std::string key =
            "boot" + std::to_string(boot) + "." + std::string(scenario_name(disk.scenario));
        for (const auto& [field, value] :
             {std::pair<std::string_view, std::string>{"", outcome.file},
              {".temporary", outcome.temporary},
              {".checker", outcome.checker_clean ? "clean" : "repaired"},
              {".unflushed_writes", std::to_string(outcome.unflushed_writes)}})
          line.append(key).append(field).append("=").append(value).append(" ");
        ++files[disk.scenario][outcome.file];
        ++temporaries[disk.scenario][outcome.temporary];
        repaired[disk.scenario] += outcome.checker_clean ? 0 : 1;
        unflushed[disk.scenario] += outcome.unflushed_writes;
      }
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      std::error_code ignored;  // the images: kept only when a boot failed
      std::filesystem::remove_all(trial.work, ignored);
    }
  } catch (const ch07::LabUnavailable& unavailable) {
    std::printf("lab unavailable: %s\n", unavailable.what());
    return 77;
  } catch (const mbe::Error& error) {
    std::fprintf(stderr, "ch07_names_after_power_loss: boot failed: %s\n", error.what());
    return 1;  // the work directory is kept, to look at
  }
  for (const auto scenario : ch07::all_name_scenarios) {
    const std::string name(scenario_name(scenario));
    std::printf("%s=%s %s_temporary=%s %s_repaired=%llu %s_unflushed_writes=%llu  (%s)\n",
                name.c_str(), tally_text(files[scenario]).c_str(), name.c_str(),
                tally_text(temporaries[scenario]).c_str(), name.c_str(),
                static_cast<unsigned long long>(repaired[scenario]), name.c_str(),
                static_cast<unsigned long long>(unflushed[scenario]),
                files[scenario].size() == 1 ? "always" : "sometimes");
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::printf("filesystem=%s model=%s boots=%llu guest_kernel=%s seconds=%.1f\n", filesystem_text,
              model_text, static_cast<unsigned long long>(boots), guest_kernel.c_str(),
              took.count());
  std::error_code ignored;  // cleanup only
  if (!temporary.empty()) std::filesystem::remove_all(temporary, ignored);
  return 0;
}
