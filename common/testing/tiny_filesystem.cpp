#include "tiny_filesystem.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "testing.hpp"

namespace mbe::testing {
namespace {

// The tool's full path (posix_spawn does not search PATH), or "".
std::string find_tool(const std::string& name) {
  std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
  dirs += ":/usr/sbin:/sbin:/usr/bin:/bin";
  std::istringstream list(dirs);
  for (std::string dir; std::getline(list, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
  return "";
}

// Once per process: a mount namespace of our own, not propagating to the host.
std::string enter_private_mount_namespace() {
  static std::string result = [] {
    if (::unshare(CLONE_NEWNS) != 0)
      return std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      return std::string("mount --make-rprivate /: ") + std::strerror(errno);
    return std::string();
  }();
  return result;
}

}  // namespace

std::unique_ptr<TinyFilesystem> TinyFilesystem::make(const std::filesystem::path& work_dir,
                                                     Options options, std::string& why_not) {
  if (::geteuid() != 0) {
    why_not = "needs root to loop-mount a tiny filesystem";
    return nullptr;
  }
  const std::string mkfs = find_tool("mkfs." + options.type);
  const std::string mount = find_tool("mount");
  if (mkfs.empty() || mount.empty()) {
    why_not = "needs mkfs." + options.type + " and mount (util-linux)";
    return nullptr;
  }
  if (why_not = enter_private_mount_namespace(); !why_not.empty()) return nullptr;

  const auto mount_point = work_dir / "tiny";
  std::filesystem::create_directory(mount_point);
  std::filesystem::path backing;
  if (options.backing_mib > 0) backing = work_dir / "backing";
  // From here on, its destructor unmounts whatever got mounted.
  std::unique_ptr<TinyFilesystem> made(new TinyFilesystem(mount_point, backing));
  if (!backing.empty()) {
    std::filesystem::create_directory(backing);
    const std::string size = "size=" + std::to_string(options.backing_mib) + "m";
    if (::mount("tmpfs", backing.c_str(), "tmpfs", 0, size.c_str()) != 0) {
      why_not = std::string("mount tmpfs: ") + std::strerror(errno);
      return nullptr;
    }
  }
  const auto image = (backing.empty() ? work_dir : backing) / "tiny.img";
  {
    const int fd = ::open(image.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(options.mib << 20)) != 0) {
      why_not = "cannot create " + image.string();
      return nullptr;
    }
    ::close(fd);
  }
  std::vector<std::string> format = {mkfs, "-q", options.type == "ext4" ? "-F" : "-f"};
  if (options.type == "ext4" && !options.journal)
    format.insert(format.end(), {"-O", "^has_journal"});
  format.push_back(image.string());
  if (const auto formatted = mbe::testing::run_program(format); !formatted.exited_with(0)) {
    why_not = "mkfs." + options.type + " failed: " + formatted.err;
    return nullptr;
  }
  if (const auto mounted = mbe::testing::run_program({mount, "-o", "loop", image, mount_point});
      !mounted.exited_with(0)) {
    why_not = "cannot loop-mount a tiny filesystem: " + mounted.err;
    return nullptr;
  }
  return made;
}

TinyFilesystem::~TinyFilesystem() {
  // The loop device was set up with autoclear: it goes with the last unmount.
  if (::umount2(mount_point_.c_str(), 0) != 0) ::umount2(mount_point_.c_str(), MNT_DETACH);
  if (!backing_.empty()) ::umount2(backing_.c_str(), MNT_DETACH);
}

}  // namespace mbe::testing
