#include "msync/device_writes.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mbe {
namespace {

std::string stat_path(dev_t device) {
  return "/sys/dev/block/" + std::to_string(major(device)) + ":" + std::to_string(minor(device)) +
         "/stat";
}

// The mount that holds the file open as @p fd: "mnt_id:" in /proc/self/fdinfo.
std::string mount_id(int fd) {
  std::ifstream fdinfo("/proc/self/fdinfo/" + std::to_string(fd));
  for (std::string key, value; fdinfo >> key >> value;)
    if (key == "mnt_id:") return value;
  return "";
}

// The block device that mount @p id comes from, read from /proc/self/mountinfo:
// "ID PARENT MAJ:MIN ROOT POINT OPTIONS ... - TYPE SOURCE ...".
std::optional<dev_t> mount_source_device(const std::string& id) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    if (line.compare(0, id.size() + 1, id + " ") != 0) continue;
    const auto separator = line.find(" - ");
    if (separator == std::string::npos) return std::nullopt;
    std::istringstream tail(line.substr(separator + 3));
    std::string type;
    std::string source;
    tail >> type >> source;
    struct stat source_status {};
    if (::stat(source.c_str(), &source_status) == 0 && S_ISBLK(source_status.st_mode))
      return source_status.st_rdev;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> device_stat_field(int fd, int field) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return std::nullopt;
  std::ifstream stat_file(stat_path(status.st_dev));
  if (!stat_file) {
    // btrfs gives each subvolume an anonymous st_dev: ask the mount instead.
    const std::string id = mount_id(fd);
    const auto source = id.empty() ? std::nullopt : mount_source_device(id);
    if (!source) return std::nullopt;
    stat_file.open(stat_path(*source));
  }
  std::uint64_t value = 0;
  for (int i = 0; i < field && stat_file >> value; ++i) {
  }
  if (!stat_file) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> sectors_written(int fd) {
  return device_stat_field(fd, 7);
}

std::optional<std::uint64_t> flushes_sent(int fd) {
  return device_stat_field(fd, 16);
}

}  // namespace mbe
