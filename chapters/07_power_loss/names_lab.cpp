// The names lab's disks: one fresh filesystem image per scenario before the
// boot, and each read back after the plug — ext4: journal replay, the check
// (and its repair, as a boot would run it), the three names taken out with
// debugfs; xfs and btrfs: a recovery boot, then the read-only checker.
#include "names_lab.hpp"

#include <fstream>

#include "guest_console.hpp"
#include "lab_files.hpp"
#include "lab_tools.hpp"
#include "msync/child_process.hpp"
#include "names_recovery.hpp"

namespace ch07 {

namespace {

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
      return "mbe.names_fstype=btrfs mbe.names_options=commit=3600";
  }
  return "";
}

}  // namespace

NameDisk make_name_disk(Filesystem filesystem, PowerModel model, NameScenario scenario,
                        const std::filesystem::path& work, std::size_t index) {
  if (work.string().find(',') != std::string::npos)
    trial_failed("the work directory may not contain ',' (qemu's option separator)");
  NameDisk disk;
  disk.scenario = scenario;
  disk.directory = work / (std::to_string(index) + "-" + std::string(scenario_name(scenario)));
  if (std::error_code error; !std::filesystem::create_directories(disk.directory, error))
    mbe::throw_error("mkdir " + disk.directory.string(),
                     error ? error : std::make_error_code(std::errc::file_exists));
  disk.image = disk.directory / "disk.img";
  // ext4: 16 MiB (1 KiB blocks), as measured first; xfs, btrfs: tools_of's sparse image.
  FilesystemTools tools = tools_of(filesystem);
  if (is_ext4(filesystem)) tools.bytes = 16 << 20;
  if (std::ofstream create{disk.image, std::ios::binary | std::ios::trunc}; !create)
    trial_failed("could not create " + disk.image.string());
  std::error_code error;
  std::filesystem::resize_file(disk.image, tools.bytes, error);
  if (error) mbe::throw_error("truncate " + disk.image.string(), error);
  const std::string mkfs = tools.mkfs[0];
  tools.mkfs[0] = find_tool(mkfs);
  tools.mkfs.push_back(disk.image);
  const auto output = disk.directory / "mkfs.txt";
  if (run_tool(tools.mkfs, output) != 0) trial_failed(mkfs + " failed: " + mbe::read_all(output));
  const std::string node = "names" + std::to_string(index);
  if (model == PowerModel::kill_qemu) {
    disk.drive_arguments = {"-drive", virtio_drive(disk.image)};
    return disk;
  }
  disk.before = disk.directory / "disk-before.img";
  disk.write_log = disk.directory / "writes.log";
  copy_image(disk.image, disk.before);
  const std::ofstream empty_log{disk.write_log};  // qemu's file driver opens, it does not create
  disk.drive_arguments = {"-blockdev", logged_drive(node, disk.image, disk.write_log), "-device",
                          "virtio-blk-pci,drive=" + node};
  return disk;
}

std::string names_words(Filesystem filesystem, const std::vector<NameDisk>& disks,
                        std::string_view program) {
  std::string scenarios;
  for (std::size_t index = 0; index < disks.size(); ++index)
    scenarios += std::string(index != 0 ? "," : "") +
                 std::string(scenario_name(disks[index].scenario)) + ":/dev/vd" +
                 static_cast<char>('a' + index);
  return "mbe.program=" + std::string(program) +
         " mbe.fs=" + std::string(filesystem_name(filesystem)) + " " + mount_words(filesystem) +
         " mbe.names=" + scenarios;
}

std::vector<NameOutcome> read_names_back(const Guest& guest, const Trial& trial,
                                         std::vector<NameDisk>& disks) {
  std::vector<std::uint64_t> unflushed;
  for (auto& disk : disks) {
    disk.recovered = disk.image;
    unflushed.push_back(0);
    if (trial.model == PowerModel::volatile_cache) {
      disk.recovered = disk.directory / "disk-after-power-loss.img";
      copy_image(disk.before, disk.recovered);
      unflushed.back() = replay_to_last_flush(disk.write_log, disk.recovered).writes_dropped;
    }
  }
  std::vector<NameOutcome> outcomes;
  if (is_ext4(trial.filesystem)) {
    for (const auto& disk : disks) outcomes.push_back(read_ext4_names(disk));  // on the host
  } else {
    // [recovery boot]
    outcomes = read_names_in_recovery_boot(guest, trial, disks);  // the next boot mounts each
    for (std::size_t n = 0; n < disks.size(); ++n) {
      FilesystemTools tools = tools_of(trial.filesystem);  // then its checker, read-only
      tools.check[0] = find_tool(tools.check[0]);
      tools.check.push_back(disks[n].recovered);
      outcomes[n].checker_clean = run_tool(tools.check, disks[n].directory / "check.txt") == 0;
    }
    // [recovery boot]
  }
  for (std::size_t n = 0; n < disks.size(); ++n) outcomes[n].unflushed_writes = unflushed[n];
  return outcomes;
}

}  // namespace ch07
