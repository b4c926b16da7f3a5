// The saved guest (see guest_snapshot.hpp): found by its hash, or made by one
// boot that waits, then qemu's monitor saves it with `migrate "exec:cat > F"`.
#include "guest_snapshot.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "guest_console.hpp"
#include "lab_files.hpp"
#include "msync/child_process.hpp"
#include "msync/errors.hpp"
#include "qemu_monitor.hpp"

namespace ch07 {

namespace {

using Clock = std::chrono::steady_clock;

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); !from.empty() && at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// @p argument of qemu's -drive or -blockdev with each disk file in it
// ("file=", "file.filename=", "log.filename=") replaced by @p change(file).
template <class Change>
std::string with_disk_files(const std::string& argument, Change change) {
  std::string result;
  for (std::size_t start = 0; start <= argument.size();) {
    auto comma = argument.find(',', start);
    if (comma == std::string::npos) comma = argument.size();
    std::string item = argument.substr(start, comma - start);
    for (const std::string_view key : {"file=", "file.filename=", "log.filename="})
      if (item.starts_with(key)) {
        item = std::string(key) + change(std::filesystem::path(item.substr(key.size())));
        break;
      }
    result += (start != 0 ? "," : "") + item;
    start = comma + 1;
  }
  return result;
}

bool holds_disks(const std::vector<std::string>& argv, std::size_t index) {
  return index > 0 && (argv[index - 1] == "-drive" || argv[index - 1] == "-blockdev");
}

std::uintmax_t size_of(const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) mbe::throw_error("stat " + file.string(), error);
  return size;
}

// What a restore must match, hashed (FNV-1a, 64 bits): qemu's options, with
// each disk file as its size and the trial's directory left out, and each
// file qemu loads by its time stamp.
std::string key_of(const Trial& trial, const std::vector<std::string>& argv, const Guest& guest) {
  std::string text;
  for (std::size_t index = 0; index < argv.size(); ++index) {
    auto argument = argv[index];
    if (holds_disks(argv, index))
      argument = with_disk_files(argument, [](const std::filesystem::path& file) {
        return "DISK:" + std::to_string(size_of(file));
      });
    text += '\n' + replaced(argument, trial.work.string(), "WORK");
  }
  for (const auto& file : {std::filesystem::path(argv[0]), guest.kernel, guest.initramfs,
                           guest.modules, guest.filesystem_modules}) {
    std::error_code error;  // no filesystem_modules for ext4: nothing to stamp
    const auto stamp = std::filesystem::last_write_time(file, error).time_since_epoch().count();
    text += '\n' + file.string() + ' ' + std::to_string(error ? 0 : stamp);
  }
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char byte : text) hash = (hash ^ static_cast<unsigned char>(byte)) * 1099511628211ULL;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

// The saving qemu, killed and reaped should the save fail.
struct ChildQemu {
  explicit ChildQemu(pid_t started) : pid(started) {}
  ~ChildQemu() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  ChildQemu(const ChildQemu&) = delete;
  ChildQemu& operator=(const ChildQemu&) = delete;
  pid_t pid;
};

// Boots the guest on blank disks of the sizes of the trial's, and saves it
// once it waits: the trial's own disks stay untouched.
void save_guest(const Trial& trial, std::vector<std::string> argv,
                const std::filesystem::path& saved) {
  std::vector<std::filesystem::path> blanks;
  for (std::size_t index = 0; index < argv.size(); ++index)
    if (holds_disks(argv, index))
      argv[index] = with_disk_files(argv[index], [&](const std::filesystem::path& file) {
        const auto& blank =
            blanks.emplace_back(trial.work / ("saving-disk-" + std::to_string(blanks.size())));
        if (std::ofstream create{blank, std::ios::binary}; !create)
          trial_failed("could not create " + blank.string());
        std::error_code error;
        std::filesystem::resize_file(blank, size_of(file), error);  // sparse: holes only
        if (error) mbe::throw_error("truncate " + blank.string(), error);
        return blank.string();
      });
  const auto socket_path = trial.work / "saving-monitor.sock";
  argv.insert(argv.end(), {"-monitor", "unix:" + socket_path.string() + ",server=on,wait=off"});
  const auto console = trial.work / "saving-console.log";
  ChildQemu qemu(mbe::spawn_with_output(argv, console));
  const auto deadline = Clock::now() + trial.boot_timeout;
  while (mbe::read_all(console).find("WAITING") == std::string::npos) {
    int status = 0;
    if (::waitpid(qemu.pid, &status, WNOHANG) == qemu.pid) {
      qemu.pid = -1;
      trial_failed("qemu exited before the guest could be saved (console: " + console.string() +
                   ")");
    }
    if (Clock::now() > deadline)
      throw LabUnavailable("the guest to save did not boot within " +
                           std::to_string(trial.boot_timeout.count()) +
                           " s (console: " + console.string() + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto partial = saved;
  partial += ".partial." + std::to_string(::getpid());
  std::error_code error;
  try {
    QemuMonitor monitor(socket_path);
    monitor.command("migrate \"exec:cat > '" + partial.string() + "'\"");
    const std::string status = monitor.command("info migrate");
    if (status.find("Migration status: completed") == std::string::npos)
      trial_failed("qemu could not save the guest: " + status);
    monitor.quit();
    mbe::wait_status(qemu.pid, "qemu");
    qemu.pid = -1;
  } catch (...) {
    std::filesystem::remove(partial, error);
    throw;
  }
  for (const auto& blank : blanks) std::filesystem::remove(blank, error);
  std::filesystem::rename(partial, saved, error);  // whole or not at all, for a trial beside it
  if (error) mbe::throw_error("rename " + partial.string(), error);
}

}  // namespace

std::string saved_guest_command_line(const Trial& trial) {
  return std::string(guest_kernel_arguments) +
         " mbe.fs=" + std::string(filesystem_name(trial.filesystem)) + " mbe.wait=serial";
}

std::string incoming_from(const std::filesystem::path& saved) {
  return "exec:cat '" + saved.string() + "'";
}

std::optional<std::filesystem::path> saved_guest(const Guest& guest, const Trial& trial,
                                                 const std::vector<std::string>& boot_arguments) {
  const char* boot =
      std::getenv("MBE_LAB_BOOT");  // NOLINT(concurrency-mt-unsafe): no thread sets it
  if (boot != nullptr && std::string_view(boot) == "fresh") return std::nullopt;
  const auto directory = guest.kernel.parent_path() / "saved";
  if (directory.string().find_first_of("'\"\\") != std::string::npos) return std::nullopt;
  if (std::error_code error; !std::filesystem::create_directories(directory, error) && error)
    mbe::throw_error("mkdir " + directory.string(), error);
  const auto saved = directory / (std::string(filesystem_name(trial.filesystem)) + "-" +
                                  key_of(trial, boot_arguments, guest) + ".state");
  if (std::error_code error; !std::filesystem::exists(saved, error))
    save_guest(trial, boot_arguments, saved);
  return saved;
}

}  // namespace ch07
