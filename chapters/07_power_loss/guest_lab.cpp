// One plug pull from start to end: a fresh ext4 disk image, the guest booted
// on it, the plug pulled, the disk recovered as the next boot would (journal
// replay) and read back without booting, the acknowledged records counted.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "guest_lab.hpp"

namespace ch07 {

namespace {

constexpr std::string_view records_in_guest = "/records";  // /lab/records in the guest

bool concatenate(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& to) {
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  for (const auto& part : parts) out << std::ifstream(part, std::ios::binary).rdbuf();
  return static_cast<bool>(out.flush());
}

std::string read_all(const std::filesystem::path& path) {
  std::ostringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

bool copy_image(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  return std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, error);
}

TrialResult unavailable(std::string why) {
  TrialResult result;
  result.outcome = TrialResult::Outcome::lab_unavailable;
  result.message = std::move(why);
  return result;
}

TrialResult failed(std::string why) {
  TrialResult result;
  result.message = std::move(why);
  return result;
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

std::optional<Guest> find_guest(const std::filesystem::path& directory, std::string& why_not) {
  const Guest guest{directory / "vmlinuz", directory / "initramfs.cpio", directory / "modules.cpio"};
  std::error_code error;  // a path that cannot be checked counts as missing; no exception
  if (!std::filesystem::exists(guest.initramfs, error)) {
    why_not = "no " + guest.initramfs.string() +
              " (CMake builds it when busybox-static and cpio are installed)";
    return std::nullopt;
  }
  if (!std::filesystem::exists(guest.kernel, error) ||
      !std::filesystem::exists(guest.modules, error)) {
    why_not = "no guest kernel in " + directory.string() +
              " (fetch it: cmake --build <build dir> --target ch07_guest_kernel)";
    return std::nullopt;
  }
  for (const char* tool : {"qemu-system-x86_64", "mkfs.ext4", "e2fsck", "debugfs"})
    if (find_tool(tool).empty()) {
      why_not = std::string(tool) + " is not installed (apt-get install qemu-system-x86 e2fsprogs)";
      return std::nullopt;
    }
  return guest;
}

TrialResult run_trial(const Guest& guest, const Trial& trial) {
  const auto& work = trial.work;
  if (std::error_code error; !std::filesystem::is_directory(work, error))
    return failed("the work directory " + work.string() + " does not exist");
  if (work.string().find(',') != std::string::npos)
    return failed("the work directory may not contain ',' (qemu's option separator)");
  const auto disk = work / "disk.img", before = work / "disk-before.img", log = work / "writes.log";
  const auto tool_output = work / "tool-output.txt";
  // [disk]
  if (run_tool({find_tool("mkfs.ext4"), "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0,nodiscard",
                disk, "32M"}, tool_output) != 0)
    return failed("mkfs.ext4 failed: " + read_all(tool_output));
  if (!concatenate({guest.initramfs, guest.modules}, work / "initrd.cpio"))
    return failed("could not write " + (work / "initrd.cpio").string());
  std::vector<std::string> drive = {"-drive", "file=" + disk.string() + ",format=raw,if=virtio,cache=writeback"};
  if (trial.model == PowerModel::volatile_cache) {
    if (!copy_image(disk, before)) return failed("could not copy " + disk.string());
    std::ofstream{log};  // qemu's file driver opens, it does not create
    drive = {"-blockdev", "driver=blklogwrites,node-name=lab,file.driver=file,file.filename=" + disk.string() +
                              ",log.driver=file,log.filename=" + log.string(),
             "-device", "virtio-blk-pci,drive=lab"};
  }
  // [disk]
  const ConsoleReport console = boot_and_pull(guest, trial, drive);
  if (console.timed_out_booting)
    return unavailable("the guest did not boot within " + std::to_string(trial.boot_timeout.count()) +
                       " s (console: " + (work / "console.log").string() + ")");
  if (!console.lab_error.empty()) return failed(console.lab_error);
  if (!console.ready) return failed("the writer never printed READY");

  TrialResult result;
  result.kernel = console.kernel;
  // [recover]
  auto recovered = disk;
  if (trial.model == PowerModel::volatile_cache) {
    recovered = work / "disk-after-power-loss.img";
    if (!copy_image(before, recovered)) return failed("could not copy " + before.string());
    std::string error;
    if (!replay_to_last_flush(log, recovered, result.replay, error)) return failed(error);
  }
  // What the next boot would do first: replay the filesystem's journal.
  if (const int status = run_tool({find_tool("e2fsck"), "-E", "journal_only", "-y", recovered}, tool_output);
      status < 0 || status > 1)  // 1: the journal was replayed
    return failed("e2fsck -E journal_only failed: " + read_all(tool_output));
  result.filesystem_clean = run_tool({find_tool("e2fsck"), "-f", "-n", recovered}, work / "fsck.txt") == 0;
  const auto records = work / "records.recovered";
  if (run_tool({find_tool("debugfs"), "-R", "dump " + std::string(records_in_guest) + " " + records.string(),
                recovered}, tool_output) != 0)  // 0 also when the file is not there
    return failed("debugfs failed: " + read_all(tool_output));
  // [recover]
  std::error_code missing;
  result.record_file_found = std::filesystem::exists(records, missing);
  const std::string bytes = result.record_file_found ? read_all(records) : std::string();
  result.survivors = count_survivors(std::as_bytes(std::span(bytes.data(), bytes.size())), console.acknowledged);
  result.outcome = TrialResult::Outcome::checked;
  return result;
}

std::filesystem::path work_directory(const char* given, const char* prefix, std::filesystem::path& created) {
  if (given) return given;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/var/tmp") + "/" + prefix + ".XXXXXX";
  if (!::mkdtemp(pattern.data())) return {};
  return created = pattern;
}

std::string describe(const Trial& trial, const TrialResult& result) {
  if (result.outcome == TrialResult::Outcome::lab_unavailable) return "lab unavailable: " + result.message;
  if (result.outcome == TrialResult::Outcome::failed) return "trial failed: " + result.message;
  const auto& s = result.survivors;
  std::ostringstream line;
  line << "mode " << trial.mode << ", model " << model_name(trial.model) << ": acknowledged " << s.acknowledged
       << ", survived " << s.survived << ", lost " << s.acknowledged - s.survived;
  if (s.first_lost) line << " (first lost: record " << s.first_lost << ")";
  line << "; unacknowledged but intact " << s.unacknowledged << "; filesystem "
       << (result.filesystem_clean ? "clean" : "NOT clean");
  if (!result.record_file_found) line << "; the file itself is gone";
  return line.str();
}

}  // namespace ch07
