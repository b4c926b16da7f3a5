// One plug pull from start to end: the guest's files found, a fresh
// filesystem image made, the plug pulled at the trial's moment, and the
// result in one key=value line. Reading the disk back: lab_recovery.cpp.
#include "guest_lab.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "guest_console.hpp"
#include "lab_files.hpp"
#include "lab_recovery.hpp"
#include "msync/child_process.hpp"

namespace ch07 {

std::string_view model_name(PowerModel model) noexcept {
  return model == PowerModel::kill_qemu ? "kill" : "volatile_cache";
}

std::optional<PowerModel> parse_model(std::string_view name) noexcept {
  if (name == "kill") return PowerModel::kill_qemu;
  if (name == "volatile_cache") return PowerModel::volatile_cache;
  return std::nullopt;
}

Guest find_guest(const std::filesystem::path& directory, Filesystem filesystem) {
  Guest guest{directory / "vmlinuz", directory / "initramfs.cpio", directory / "modules.cpio", {}};
  if (!is_ext4(filesystem))
    guest.filesystem_modules =
        directory / (std::string(filesystem_name(filesystem)) + "-modules.cpio");
  std::error_code error;  // a path that cannot be checked counts as missing; no exception
  if (!std::filesystem::exists(guest.initramfs, error))
    throw LabUnavailable("no " + guest.initramfs.string() +
                         " (CMake builds it when busybox-static and cpio are installed)");
  if (!std::filesystem::exists(guest.kernel, error) ||
      !std::filesystem::exists(guest.modules, error))
    throw LabUnavailable("no guest kernel in " + directory.string() +
                         " (fetch it: cmake --build <build dir> --target ch07_guest_kernel)");
  if (!guest.filesystem_modules.empty() &&
      !std::filesystem::exists(guest.filesystem_modules, error))
    throw LabUnavailable("no " + guest.filesystem_modules.string() +
                         " (the kernel fetch packs it: cmake --build <build dir> --target "
                         "ch07_guest_kernel)");
  for (const char* tool : {"qemu-system-x86_64", "mkfs.ext4", "e2fsck", "debugfs"})
    if (find_tool(tool).empty())
      throw LabUnavailable(std::string(tool) +
                           " is not installed (apt-get install qemu-system-x86 e2fsprogs)");
  const FilesystemTools tools = tools_of(filesystem);
  for (const auto& tool : {tools.mkfs[0], tools.check[0]})
    if (find_tool(tool).empty())
      throw LabUnavailable(tool + " is not installed: no " +
                           std::string(filesystem_name(filesystem)) + " trials (apt-get install " +
                           tools.package + ")");
  return guest;
}

namespace {

// A path inside qemu's comma-separated options.
std::string option_path(const std::filesystem::path& path) {
  std::string text = path.string();
  if (text.find(',') != std::string::npos)
    trial_failed("a disk path may not contain ',' (qemu's option separator): " + text);
  return text;
}

}  // namespace

std::string virtio_drive(const std::filesystem::path& image) {
  return "file=" + option_path(image) + ",format=raw,if=virtio,cache=unsafe";
}

std::string logged_drive(const std::string& node, const std::filesystem::path& image,
                         const std::filesystem::path& write_log) {
  return "driver=blklogwrites,node-name=" + node +
         ",file.driver=file,file.filename=" + option_path(image) +
         ",file.cache.no-flush=on,log.driver=file,log.filename=" + option_path(write_log) +
         ",log.cache.no-flush=on";
}

Disk make_disk(const Guest& guest, const Trial& trial) {
  const auto& work = trial.work;
  if (std::error_code error; !std::filesystem::is_directory(work, error))
    trial_failed("the work directory " + work.string() + " does not exist");
  if (work.string().find(',') != std::string::npos)
    trial_failed("the work directory may not contain ',' (qemu's option separator)");
  Disk disk;
  disk.image = work / "disk.img";
  const auto tool_output = work / "tool-output.txt";
  // [disk]
  FilesystemTools tools = tools_of(trial.filesystem);
  if (std::ofstream create{disk.image, std::ios::binary | std::ios::trunc}; !create)
    trial_failed("could not create " + disk.image.string());
  std::error_code error;
  std::filesystem::resize_file(disk.image, tools.bytes, error);  // sparse: holes until mkfs writes
  if (error) mbe::throw_error("truncate " + disk.image.string(), error);
  const std::string mkfs = tools.mkfs[0];
  tools.mkfs[0] = find_tool(mkfs);
  tools.mkfs.push_back(disk.image);
  if (run_tool(tools.mkfs, tool_output) != 0)
    trial_failed(mkfs + " failed: " + mbe::read_all(tool_output));
  std::vector<std::filesystem::path> initrd = {guest.initramfs, guest.modules};
  if (!guest.filesystem_modules.empty()) initrd.push_back(guest.filesystem_modules);
  concatenate(initrd, work / "initrd.cpio");
  disk.drive_arguments = {"-drive", virtio_drive(disk.image)};
  if (trial.model == PowerModel::volatile_cache) {
    disk.before = work / "disk-before.img";
    disk.write_log = work / "writes.log";
    copy_image(disk.image, disk.before);
    const std::ofstream empty_log{disk.write_log};  // qemu's file driver opens, it does not create
    disk.drive_arguments = {"-blockdev", logged_drive("lab", disk.image, disk.write_log), "-device",
                            "virtio-blk-pci,drive=lab"};
  }
  disk.restorable = true;
  // [disk]
  return disk;
}

TrialResult run_trial(const Guest& guest, const Trial& trial) {
  const Disk disk = make_disk(guest, trial);
  RunningGuest running(guest, trial, disk);
  running.wait_for_ack(trial.pull_after_ack);
  std::this_thread::sleep_for(trial.pull_delay);
  ::kill(running.qemu(), SIGKILL);  // the plug
  return recover(guest, trial, disk, running.after_the_plug());
}

std::string summary_line(const Trial& trial, const TrialResult& result) {
  const auto& s = result.survivors;
  std::ostringstream line;
  line << "filesystem=" << filesystem_name(trial.filesystem) << " mode=" << mode_name(trial.mode)
       << " model=" << model_name(trial.model) << " acknowledged=" << s.acknowledged
       << " survived=" << s.survived << " lost=" << s.acknowledged - s.survived
       << " first_lost=" << s.first_lost << " unacknowledged=" << s.unacknowledged
       << " filesystem_clean=" << (result.filesystem_clean ? "yes" : "no")
       << " record_file=" << (result.record_file_found ? "found" : "gone");
  if (trial.model == PowerModel::volatile_cache)
    line << " flushes=" << result.replay.flushes
         << " writes_replayed=" << result.replay.writes_replayed
         << " writes_dropped=" << result.replay.writes_dropped;
  return line.str();
}

std::filesystem::path work_directory(const char* given, const char* prefix,
                                     std::filesystem::path& created) {
  if (given != nullptr) return given;
  const char* tmpdir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): no thread sets it
  std::string pattern = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/var/tmp") +
                        "/" + prefix + ".XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) mbe::throw_errno("mkdtemp " + pattern);
  created = pattern;
  return created;
}

}  // namespace ch07
