// The saved guest (see guest_snapshot.hpp): found by its hash, or made by one
// boot that waits, then qemu's monitor saves it with `migrate "exec:cat > F"`.
#include "guest_snapshot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <utility>

#include "guest_command.hpp"
#include "lab_files.hpp"
#include "lab_tools.hpp"
#include "msync/child_process.hpp"
#include "msync/errors.hpp"
#include "qemu_disks.hpp"
#include "qemu_monitor.hpp"

namespace ch07 {

namespace {

using Clock = std::chrono::steady_clock;

// fsync of @p path (a file or a directory). @throws mbe::Error.
void sync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) mbe::throw_errno("open " + path.string());
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0)
    mbe::throw_error("fsync " + path.string(), std::error_code(error, std::generic_category()));
}

// Where qemu's monitor socket goes: in the trial's directory, or, when that
// path is too long for a socket's name (108 bytes), in a new directory in
// /tmp. Both go when this does.
class MonitorSocket {
 public:
  explicit MonitorSocket(const Trial& trial) : path_(trial.work / "saving-monitor.sock") {
    if (path_.string().size() < sizeof(sockaddr_un{}.sun_path)) return;
    std::string pattern = "/tmp/mbe-monitor.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) mbe::throw_errno("mkdtemp " + pattern);
    directory_ = pattern;
    path_ = directory_ / "monitor.sock";
  }
  ~MonitorSocket() {
    ::unlink(path_.c_str());
    if (!directory_.empty()) ::rmdir(directory_.c_str());
  }
  MonitorSocket(const MonitorSocket&) = delete;
  MonitorSocket& operator=(const MonitorSocket&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path directory_;
};

// Boots the guest on blank disks of the sizes of the trial's, and saves it
// once it waits: the trial's own disks stay untouched.
void save_guest(const Trial& trial, std::vector<std::string> argv,
                const std::filesystem::path& saved) {
  std::vector<std::filesystem::path> blanks;
  argv = with_blank_disks(std::move(argv), trial.work, blanks);
  const MonitorSocket socket(trial);
  argv.insert(argv.end(), {"-monitor", "unix:" + socket.path().string() + ",server=on,wait=off"});
  const auto console = trial.work / "saving-console.log";
  KilledUnlessReaped qemu(mbe::spawn_with_output(argv, console));  // should the save fail
  const auto deadline = Clock::now() + trial.boot_timeout;
  while (mbe::read_all(console).find("WAITING") == std::string::npos) {
    int status = 0;
    if (::waitpid(qemu.pid(), &status, WNOHANG) == qemu.pid()) {
      qemu.reaped();
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
    QemuMonitor monitor(socket.path());
    monitor.command("migrate \"exec:cat > '" + partial.string() + "'\"");
    const std::string status = monitor.command("info migrate");
    if (status.find("Migration status: completed") == std::string::npos)
      trial_failed("qemu could not save the guest: " + status);
    monitor.quit();
    qemu.wait("qemu");
  } catch (...) {
    std::filesystem::remove(partial, error);
    throw;
  }
  for (const auto& blank : blanks) std::filesystem::remove(blank, error);
  // Whole or not at all, for a trial beside this one, and after a crash too.
  sync_path(partial);
  std::filesystem::rename(partial, saved, error);
  if (error) mbe::throw_error("rename " + partial.string(), error);
  sync_path(saved.parent_path());
}

}  // namespace

std::string saved_guest_command_line(const Trial& trial) {
  return std::string(guest_kernel_arguments) +
         " mbe.fs=" + std::string(filesystem_name(trial.filesystem)) + " mbe.wait=serial";
}

SavedGuestFile::SavedGuestFile(std::filesystem::path path) : path_(std::move(path)) {
  struct stat identity {};
  if (::stat(path_.c_str(), &identity) == 0) {
    device_ = identity.st_dev;
    inode_ = identity.st_ino;
  }
}

bool SavedGuestFile::remove_if_unchanged() const {
  struct stat identity {};
  if (::stat(path_.c_str(), &identity) != 0 || identity.st_dev != device_ ||
      identity.st_ino != inode_)
    return false;
  std::error_code error;
  return std::filesystem::remove(path_, error);
}

std::string incoming_from(const std::filesystem::path& saved) {
  return "exec:cat '" + saved.string() + "'";
}

std::optional<std::filesystem::path> saved_guest(const Guest& guest, const Trial& trial,
                                                 const std::vector<std::string>& boot_arguments) {
  const char* boot =
      std::getenv("MBE_LAB_BOOT");  // NOLINT(concurrency-mt-unsafe): no thread sets it
  if (boot != nullptr && std::string_view(boot) == "fresh") return std::nullopt;
  const auto all_saved = guest.kernel.parent_path() / "saved";
  if (all_saved.string().find_first_of("'\"\\") != std::string::npos) return std::nullopt;
  // One directory per build of the guest: a rebuilt guest's first save
  // removes those of the builds before, 1-2 GB each.
  const auto build = guest_build_key(guest, boot_arguments[0]);
  const auto directory = all_saved / build;
  std::error_code error;
  if (!std::filesystem::exists(directory, error)) {
    std::vector<std::filesystem::path> older;  // not this build's: a trial beside may make it
    for (std::filesystem::directory_iterator entry(all_saved, error), end; !error && entry != end;
         entry.increment(error))
      if (entry->path().filename() != build) older.push_back(entry->path());
    for (const auto& path : older) std::filesystem::remove_all(path, error);
    if (!std::filesystem::create_directories(directory, error) && error)
      mbe::throw_error("mkdir " + directory.string(), error);
  }
  const auto saved = directory / (std::string(filesystem_name(trial.filesystem)) + "-" +
                                  saved_guest_key(guest, trial, boot_arguments) + ".state");
  if (!std::filesystem::exists(saved, error)) save_guest(trial, boot_arguments, saved);
  return saved;
}

}  // namespace ch07
