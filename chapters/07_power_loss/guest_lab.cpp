// One plug pull's disk, from start to end: a fresh filesystem image for the
// guest, and after the plug, the image recovered as the next boot would see
// it (journal or log replay) and read back, the acknowledged records counted.
#include "guest_lab.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "guest_console.hpp"

namespace ch07 {

namespace {

constexpr std::string_view records_in_guest = "/records";  // /lab/records in the guest

[[noreturn]] void trial_failed(const std::string& why) {
  throw mbe::Error(why, std::make_error_code(std::errc::io_error));
}

void concatenate(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& to) {
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  for (const auto& part : parts) out << std::ifstream(part, std::ios::binary).rdbuf();
  if (!out.flush()) trial_failed("could not write " + to.string());
}

std::string read_all(const std::filesystem::path& path) {
  std::ostringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

// Images are sparse (xfs's is 320 MiB, mostly holes): copied so they stay so.
void copy_image(const std::filesystem::path& from, const std::filesystem::path& to) {
  const auto output = to.parent_path() / "tool-output.txt";
  if (run_tool({find_tool("cp"), "--sparse=always", from, to}, output) != 0)
    trial_failed("cp " + from.string() + " " + to.string() + ": " + read_all(output));
}

// Reads the records file from the console of a recovery boot: the hex lines
// (od -An -tx1) between "RECORDS BEGIN" and "RECORDS END".
std::optional<std::string> records_from_console(const std::filesystem::path& console_log) {
  std::istringstream console(read_all(console_log));
  std::string line, bytes;
  bool inside = false;
  while (std::getline(console, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "RECORDS MISSING") return std::nullopt;
    if (line == "RECORDS BEGIN") {
      inside = true;
    } else if (line == "RECORDS END") {
      return bytes;
    } else if (inside) {
      std::istringstream words(line);
      for (std::string word; words >> word;) {
        unsigned byte = 0;
        const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), byte, 16);
        if (word.size() != 2 || error != std::errc() || end != word.data() + word.size())
          trial_failed("a garbled records line: " + line);
        bytes.push_back(static_cast<char>(byte));
      }
    }
  }
  trial_failed("the recovery boot printed no records (console: " + console_log.string() + ")");
}

}  // namespace

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
    trial_failed(mkfs + " failed: " + read_all(tool_output));
  std::vector<std::filesystem::path> initrd = {guest.initramfs, guest.modules};
  if (!guest.filesystem_modules.empty()) initrd.push_back(guest.filesystem_modules);
  concatenate(initrd, work / "initrd.cpio");
  disk.drive_arguments = {"-drive",
                          "file=" + disk.image.string() + ",format=raw,if=virtio,cache=writeback"};
  if (trial.model == PowerModel::volatile_cache) {
    disk.before = work / "disk-before.img";
    disk.write_log = work / "writes.log";
    copy_image(disk.image, disk.before);
    const std::ofstream empty_log{disk.write_log};  // qemu's file driver opens, it does not create
    disk.drive_arguments = {
        "-blockdev",
        "driver=blklogwrites,node-name=lab,file.driver=file,file.filename=" + disk.image.string() +
            ",log.driver=file,log.filename=" + disk.write_log.string(),
        "-device", "virtio-blk-pci,drive=lab"};
  }
  // [disk]
  return disk;
}

TrialResult recover(const Guest& guest, const Trial& trial, const Disk& disk,
                    const ConsoleReport& console) {
  if (!console.ready) trial_failed("the writer never printed READY");
  const auto& work = trial.work;
  const auto tool_output = work / "tool-output.txt";
  TrialResult result;
  result.kernel = console.kernel;
  // [recover]
  auto recovered = disk.image;
  if (trial.model == PowerModel::volatile_cache) {
    recovered = work / "disk-after-power-loss.img";
    copy_image(disk.before, recovered);
    result.replay = replay_to_last_flush(disk.write_log, recovered);
  }
  std::optional<std::string> file;  // the records file, if it came back
  if (is_ext4(trial.filesystem)) {
    // What the next boot would do first: replay the filesystem's journal.
    if (run_tool({find_tool("e2fsck"), "-E", "journal_only", "-y", recovered}, tool_output) > 1)
      trial_failed("e2fsck -E journal_only failed: " +
                   read_all(tool_output));  // 1: the journal was replayed
    const auto records = work / "records.recovered";
    if (run_tool({find_tool("debugfs"), "-R",
                  "dump " + std::string(records_in_guest) + " " + records.string(), recovered},
                 tool_output) != 0)  // 0 also when the file is not there
      trial_failed("debugfs failed: " + read_all(tool_output));
    if (std::error_code missing; std::filesystem::exists(records, missing))
      file = read_all(records);
  } else {
    // xfs and btrfs replay their log when mounted: the next boot, for real.
    Disk next_boot;
    next_boot.image = recovered;
    next_boot.drive_arguments = {
        "-drive", "file=" + recovered.string() + ",format=raw,if=virtio,cache=writeback"};
    RunningGuest booted(guest, trial, next_boot, "recover");
    booted.wait_for_poweroff(trial.boot_timeout + std::chrono::seconds(60));
    file = records_from_console(booted.console_log());
  }
  // The filesystem's own checker, read-only: it must find nothing.
  FilesystemTools tools = tools_of(trial.filesystem);
  tools.check[0] = find_tool(tools.check[0]);
  tools.check.push_back(recovered);
  result.filesystem_clean = run_tool(tools.check, work / "fsck.txt") == 0;
  // [recover]
  result.record_file_found = file.has_value();
  const std::string bytes = file.value_or(std::string());
  result.survivors =
      count_survivors(std::as_bytes(std::span(bytes.data(), bytes.size())), console.acknowledged);
  return result;
}

TrialResult run_trial(const Guest& guest, const Trial& trial) {
  const Disk disk = make_disk(guest, trial);
  RunningGuest running(guest, trial, disk);
  running.wait_for_ack(trial.pull_after_ack);
  std::this_thread::sleep_for(trial.pull_delay);
  ::kill(running.qemu(), SIGKILL);  // the plug
  return recover(guest, trial, disk, running.after_the_plug());
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

}  // namespace ch07
