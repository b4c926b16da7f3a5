// qemu's human monitor (HMP) on a unix socket, as chapter 07's saved guest
// uses it: one command at a time, its answer read up to the next prompt.
// Errors throw mbe::Error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ch07 {

/// A connection to qemu's `-monitor unix:PATH,server=on,wait=off`.
class QemuMonitor {
 public:
  /// Connects and reads the banner. @throws mbe::Error `connect PATH: ...`.
  explicit QemuMonitor(const std::filesystem::path& socket_path);
  ~QemuMonitor();
  QemuMonitor(const QemuMonitor&) = delete;
  QemuMonitor& operator=(const QemuMonitor&) = delete;

  /// Sends @p line and returns qemu's answer up to its next prompt; `migrate`
  /// answers once the migration has ended. @throws mbe::Error when qemu closes
  /// the monitor or does not answer within 120 s.
  std::string command(const std::string& line);

  /// Sends `quit` and waits until qemu closes the monitor as it exits.
  void quit();

 private:
  void send(const std::string& line);
  std::string answer(std::string_view prompt);  // "": up to the end
  int fd_ = -1;
};

}  // namespace ch07
