// names_writer — in the guest: new names and renames, each on a disk of its own.
//
// Usage: ch07_names_writer --fstype TYPE [--options OPTS] --scenarios S:DEV[,S:DEV...]
//
// The program chapter 07's names lab runs inside its virtual machine (linked
// statically). It mounts each DEV (TYPE, mount options OPTS) at /names/N and
// prepares it: a file SCENARIO naming S, and for the rename scenarios FILE in
// its old version, all made durable with fsync and sync(). It prints READY.
// Then it runs scenario N on disk N and prints "ACK N" once its last call has
// returned — the host pulls the plug after the last ACK. S is one of
//   new_file           create FILE, write, fsync(FILE)                    (no directory fsync)
//   rename             write + fsync(FILE.tmp), rename(FILE.tmp, FILE)    (no directory fsync)
//   rename_fsync_file  the same, then fsync(FILE) again                   (no directory fsync)
//   rename_fsync_dir   the same as rename, then fsync(the directory)
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "name_scenarios.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_names_writer --fstype TYPE [--options OPTS] --scenarios S:DEV[,S:DEV...]\n"
    "  Mounts each DEV at /names/N, prepares it, prints READY, then runs scenario N\n"
    "  on disk N and prints \"ACK N\". S: new_file, rename, rename_fsync_file,\n"
    "  rename_fsync_dir. Needs root (it mounts).\n";

struct Disk {
  ch07::NameScenario scenario;
  std::string device, directory;
};

// Creates @p path with @p content and fsyncs it; false after reporting the failed call.
bool write_synced(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    mbe::report_errno("open " + path, errno);
    return false;
  }
  int error = 0;
  for (std::size_t done = 0; done < content.size() && error == 0;) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n > 0)
      done += static_cast<std::size_t>(n);
    else if (n == 0 || errno != EINTR)
      error = n == 0 ? EIO : errno;
  }
  std::string call = "write ";
  if (error == 0 && ::fsync(fd) != 0) {
    error = errno;
    call = "fsync ";
  }
  ::close(fd);
  if (error != 0) mbe::report_errno(call + path, error);
  return error == 0;
}

bool fsync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const int error = errno;
  if (!synced) mbe::report_errno((fd < 0 ? "open " : "fsync ") + path, error);
  if (fd >= 0) ::close(fd);
  return synced;
}

// [scenario]
bool run(const Disk& disk) {
  const std::string file = disk.directory + "/" + std::string(ch07::named_file);
  const std::string temporary = disk.directory + "/" + std::string(ch07::temporary_file);
  const bool renames = disk.scenario != ch07::NameScenario::new_file;
  if (!write_synced(renames ? temporary : file, ch07::version_content("new"))) return false;
  if (!renames) return true;  // new_file: no directory fsync
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    mbe::report_errno("rename " + temporary, errno);
    return false;
  }
  if (disk.scenario == ch07::NameScenario::rename_fsync_file) return fsync_path(file);
  if (disk.scenario == ch07::NameScenario::rename_fsync_dir) return fsync_path(disk.directory);
  return true;  // rename: nothing after it
}
// [scenario]

}  // namespace

int main(int argc, char** argv) {
  const char *fstype = nullptr, *options = "", *list = nullptr;
  std::span<const char*> no_operands;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, no_operands,
          {mbe::Option::text("--fstype", fstype), mbe::Option::text("--options", options),
           mbe::Option::text("--scenarios", list)}))
    return *exit_status;
  std::vector<Disk> disks;
  for (std::string rest = list != nullptr ? list : ""; !rest.empty();) {
    const std::string item = rest.substr(0, rest.find(','));
    rest.erase(0, item.size() + 1);
    const auto colon = item.find(':');
    const auto scenario = ch07::parse_scenario(item.substr(0, colon));
    if (!scenario || colon == std::string::npos || colon + 1 == item.size()) {
      std::fprintf(stderr, "ch07_names_writer: bad scenario %s\n%s", item.c_str(), usage.data());
      return 2;
    }
    disks.push_back({*scenario, item.substr(colon + 1), "/names/" + std::to_string(disks.size())});
  }
  if (fstype == nullptr || disks.empty()) {
    std::fprintf(stderr, "ch07_names_writer: --fstype and --scenarios are needed\n%s",
                 usage.data());
    return 2;
  }
  ::mkdir("/names", 0755);
  for (const auto& disk : disks) {  // mount and prepare: every name durable before READY
    ::mkdir(disk.directory.c_str(), 0755);
    int mounted = -1;  // the later disks' nodes may still be on their way: wait 2 s
    for (int attempt = 0; attempt < 20 && mounted != 0; ++attempt) {
      mounted = ::mount(disk.device.c_str(), disk.directory.c_str(), fstype, 0, options);
      if (mounted != 0 && errno != ENOENT && errno != ENXIO) break;
      if (mounted != 0) ::usleep(100'000);
    }
    if (mounted != 0) return mbe::report_errno("mount " + disk.device, errno);
    if (!write_synced(disk.directory + "/" + std::string(ch07::scenario_file),
                      std::string(scenario_name(disk.scenario))))
      return 1;
    if (disk.scenario != ch07::NameScenario::new_file &&
        !write_synced(disk.directory + "/" + std::string(ch07::named_file),
                      ch07::version_content("old")))
      return 1;
    if (!fsync_path(disk.directory)) return 1;
  }
  ::sync();
  mbe::print_line("READY");
  for (std::size_t n = 0; n < disks.size(); ++n) {
    if (!run(disks[n])) return 1;
    mbe::print_line("ACK " + std::to_string(n + 1));
  }
  mbe::print_line("DONE");
  return 0;
}
