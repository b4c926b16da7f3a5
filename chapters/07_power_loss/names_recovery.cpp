// Reading the names lab's disks back: ext4 on the host, xfs and btrfs in a
// recovery boot of the guest (its console parsed here).
#include "names_recovery.hpp"

#include <fstream>
#include <sstream>

#include "guest_console.hpp"
#include "lab_files.hpp"
#include "lab_tools.hpp"
#include "msync/child_process.hpp"
#include "msync/cli.hpp"

namespace ch07 {

namespace {

// What debugfs dumped to @p path: "absent" when the name was not there.
std::string version_in(const std::filesystem::path& path) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return "absent";
  return version_of(mbe::read_all(path));
}

}  // namespace

NameOutcome read_ext4_names(const NameDisk& disk) {
  const auto& dir = disk.directory;
  const auto& recovered = disk.recovered;
  const auto output = dir / "tool-output.txt";
  NameOutcome outcome;
  // [read back]
  if (run_tool({find_tool("e2fsck"), "-E", "journal_only", "-y", recovered}, output) > 1)
    trial_failed("e2fsck -E journal_only failed: " + mbe::read_all(output));
  outcome.checker_clean =
      run_tool({find_tool("e2fsck"), "-f", "-n", recovered}, dir / "check.txt") == 0;
  // Repair, as the next boot's check would (answering yes), and note whether
  // it removed FILE's entry because the inode it names is cleared.
  if (!outcome.checker_clean &&
      run_tool({find_tool("e2fsck"), "-f", "-y", recovered}, dir / "repair.txt") > 2)
    trial_failed("e2fsck -fy could not repair: " + mbe::read_all(dir / "repair.txt"));
  const std::string repair = outcome.checker_clean ? "" : mbe::read_all(dir / "repair.txt");
  const auto entry = repair.find("Entry '" + std::string(named_file) + "' in / (2) has deleted");
  std::ofstream commands(dir / "debugfs.commands");
  for (const auto name : {named_file, temporary_file, scenario_file}) {
    const auto out = dir / (std::string(name) + ".out");
    std::error_code ignored;  // debugfs writes none for a name that is not there
    std::filesystem::remove(out, ignored);
    commands << "dump /" << name << " " << out.string() << "\n";
  }
  commands.close();
  if (run_tool({find_tool("debugfs"), "-f", dir / "debugfs.commands", recovered}, output) != 0)
    trial_failed("debugfs failed: " + mbe::read_all(output));
  // [read back]
  if (mbe::read_all(dir / "SCENARIO.out") != scenario_name(disk.scenario))
    trial_failed(dir.string() + " holds the disk of another scenario");
  const std::string file = version_in(dir / "FILE.out");
  outcome.file = entry != std::string::npos ? "cleared" : file == "absent" ? "none" : file;
  outcome.temporary = version_in(dir / "FILE.tmp.out");
  return outcome;
}

std::vector<NamesOnDisk> parse_names_console(std::string_view console, std::size_t disks) {
  std::vector<NamesOnDisk> names(disks);
  std::istringstream lines{std::string(console)};
  std::string line, bytes, inside;  // inside: "n NAME" between BEGIN and END
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "RECOVERED") {
      for (std::size_t n = 0; n < disks; ++n)
        for (const auto name : {scenario_file, named_file, temporary_file})
          if (!names[n].contains(name))
            trial_failed("the recovery boot printed no " + std::string(name) + " of disk " +
                         std::to_string(n));
      return names;
    }
    std::istringstream words(line);
    std::string tag, disk, name, state;
    if (words >> tag >> disk >> name >> state && tag == "NAME") {
      const auto n = mbe::parse_number(disk);
      if (!n || *n >= disks || (state != "BEGIN" && state != "END" && state != "MISSING"))
        trial_failed("a garbled line of the recovery boot: " + line);
      std::string which = disk;
      which.append(" ").append(name);
      if (state == "BEGIN") inside = which;
      if (state == "BEGIN") bytes.clear();
      if (state == "END" && inside != which) trial_failed("an END without its BEGIN: " + line);
      if (state == "END") inside.clear();
      if (state != "BEGIN") names[*n][name] = state == "END" ? std::optional(bytes) : std::nullopt;
      continue;
    }
    if (inside.empty()) continue;  // the kernel's and /init's own lines
    append_hex_bytes(line, bytes);
  }
  trial_failed("the recovery boot did not print RECOVERED");
}

std::vector<NameOutcome> read_names_in_recovery_boot(const Guest& guest, const Trial& trial,
                                                     const std::vector<NameDisk>& disks) {
  Disk all;  // every recovered image, and the words of the recovery boot
  for (const auto& disk : disks) {
    all.drive_arguments.push_back("-drive");
    all.drive_arguments.push_back(virtio_drive(disk.recovered));
  }
  all.words = names_words(trial.filesystem, disks, "names-recover");
  all.restorable = true;
  RunningGuest booted(guest, trial, all, "names-recover");
  booted.wait_for_poweroff(trial.boot_timeout + std::chrono::seconds(120));
  const auto names = parse_names_console(mbe::read_all(booted.console_log()), disks.size());
  std::vector<NameOutcome> outcomes;
  for (std::size_t n = 0; n < disks.size(); ++n) {
    const auto& on_disk = names[n];
    if (on_disk.at(std::string(scenario_file)) != std::string(scenario_name(disks[n].scenario)))
      trial_failed(disks[n].directory.string() + " holds the disk of another scenario");
    const auto file = on_disk.at(std::string(named_file));
    const auto temporary = on_disk.at(std::string(temporary_file));
    NameOutcome outcome;
    outcome.file = file ? version_of(*file) : "none";
    outcome.temporary = temporary ? version_of(*temporary) : "absent";
    outcomes.push_back(outcome);
  }
  return outcomes;
}

}  // namespace ch07
