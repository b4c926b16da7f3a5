// The names lab's disks: one fresh filesystem image per scenario before the
// boot, and each read back after the plug — journal replay, the check (and
// its repair, as a boot would run it), the three names taken out with debugfs.
#include "names_lab.hpp"

#include <fstream>
#include <sstream>

#include "guest_console.hpp"

namespace ch07 {

namespace {

[[noreturn]] void trial_failed(const std::string& why) {
  throw mbe::Error(why, std::make_error_code(std::errc::io_error));
}

std::string read_all(const std::filesystem::path& path) {
  std::ostringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

void copy_image(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, error);
  if (error) mbe::throw_error("copy " + from.string(), error);
}

// What debugfs dumped to @p path: "absent" when the name was not there.
std::string version_in(const std::filesystem::path& path) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return "absent";
  const std::string content = read_all(path);
  if (content == version_content("new")) return "new";
  return content == version_content("old") ? "old" : "other";
}

// Type and options for the guest's mount: as chapter 07's /init mounts, no
// journal commit by the clock (ext4 refuses commit= without a journal).
std::string mount_words(Filesystem filesystem) {
  switch (filesystem) {
    case Filesystem::ext4_journal:
      return "mbe.names_fstype=ext4 mbe.names_options=commit=3600";
    case Filesystem::ext4_nojournal:
      return "mbe.names_fstype=ext4";
    case Filesystem::xfs:
      return "mbe.names_fstype=xfs";
    case Filesystem::btrfs:
      return "mbe.names_fstype=btrfs mbe.names_options=commit=300";
  }
  return "";
}

}  // namespace

NameDisk make_name_disk(Filesystem filesystem, PowerModel model, NameScenario scenario,
                        const std::filesystem::path& work, std::size_t index) {
  if (filesystem == Filesystem::xfs || filesystem == Filesystem::btrfs)
    throw LabUnavailable(std::string(filesystem_name(filesystem)) +
                         " in the guest: not yet (its module is not in the guest's initrd, and"
                         " the host reads the disks back with e2fsprogs only)");
  if (work.string().find(',') != std::string::npos)
    trial_failed("the work directory may not contain ',' (qemu's option separator)");
  NameDisk disk;
  disk.scenario = scenario;
  disk.directory = work / (std::to_string(index) + "-" + std::string(scenario_name(scenario)));
  if (std::error_code error; !std::filesystem::create_directories(disk.directory, error))
    mbe::throw_error("mkdir " + disk.directory.string(),
                     error ? error : std::make_error_code(std::errc::file_exists));
  disk.image = disk.directory / "disk.img";
  const std::string features =
      filesystem == Filesystem::ext4_journal ? "has_journal" : "^has_journal";
  const auto output = disk.directory / "mkfs.txt";
  if (run_tool({find_tool("mkfs.ext4"), "-q", "-F", "-O", features, "-E",
                "lazy_itable_init=0,lazy_journal_init=0,nodiscard", disk.image, "16M"},
               output) != 0)
    trial_failed("mkfs.ext4 failed: " + read_all(output));
  const std::string node = "names" + std::to_string(index);
  if (model == PowerModel::kill_qemu) {
    disk.drive_arguments = {
        "-drive", "file=" + disk.image.string() + ",format=raw,if=virtio,cache=writeback"};
    return disk;
  }
  disk.before = disk.directory / "disk-before.img";
  disk.write_log = disk.directory / "writes.log";
  copy_image(disk.image, disk.before);
  const std::ofstream empty_log{disk.write_log};  // qemu's file driver opens, it does not create
  disk.drive_arguments = {"-blockdev",
                          "driver=blklogwrites,node-name=" + node +
                              ",file.driver=file,file.filename=" + disk.image.string() +
                              ",log.driver=file,log.filename=" + disk.write_log.string(),
                          "-device", "virtio-blk-pci,drive=" + node};
  return disk;
}

std::vector<std::string> names_command_line(Filesystem filesystem,
                                            const std::vector<NameDisk>& disks) {
  std::string scenarios;
  for (std::size_t index = 0; index < disks.size(); ++index)
    scenarios += std::string(index ? "," : "") + std::string(scenario_name(disks[index].scenario)) +
                 ":/dev/vd" + static_cast<char>('a' + index);
  return {"-append", "console=ttyS0 quiet panic=-1 mbe.program=names " + mount_words(filesystem) +
                         " mbe.names=" + scenarios};
}

NameOutcome read_names_back(PowerModel model, const NameDisk& disk) {
  const auto& dir = disk.directory;
  const auto output = dir / "tool-output.txt";
  NameOutcome outcome;
  auto recovered = disk.image;
  if (model == PowerModel::volatile_cache) {
    recovered = dir / "disk-after-power-loss.img";
    copy_image(disk.before, recovered);
    outcome.unflushed_writes = replay_to_last_flush(disk.write_log, recovered).writes_dropped;
  }
  // [read back]
  if (run_tool({find_tool("e2fsck"), "-E", "journal_only", "-y", recovered}, output) > 1)
    trial_failed("e2fsck -E journal_only failed: " + read_all(output));
  outcome.checker_clean =
      run_tool({find_tool("e2fsck"), "-f", "-n", recovered}, dir / "check.txt") == 0;
  // Repair, as the next boot's check would (answering yes), and note whether
  // it removed FILE's entry because the inode it names is cleared.
  if (!outcome.checker_clean &&
      run_tool({find_tool("e2fsck"), "-f", "-y", recovered}, dir / "repair.txt") > 2)
    trial_failed("e2fsck -fy could not repair: " + read_all(dir / "repair.txt"));
  const std::string repair = outcome.checker_clean ? "" : read_all(dir / "repair.txt");
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
    trial_failed("debugfs failed: " + read_all(output));
  // [read back]
  if (read_all(dir / "SCENARIO.out") != scenario_name(disk.scenario))
    trial_failed(dir.string() + " holds the disk of another scenario");
  const std::string file = version_in(dir / "FILE.out");
  outcome.file = entry != std::string::npos ? "cleared" : file == "absent" ? "none" : file;
  outcome.temporary = version_in(dir / "FILE.tmp.out");
  return outcome;
}

}  // namespace ch07
