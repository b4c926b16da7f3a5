// qemu's options and the guest's words: see guest_command.hpp.
#include "guest_command.hpp"

#include "lab_tools.hpp"

namespace ch07 {

std::vector<std::string> qemu_arguments(const Guest& guest, const Trial& trial, const Disk& disk,
                                        const std::string& command_line) {
  std::vector<std::string> argv = {find_tool("qemu-system-x86_64")};
  for (const char* option :
       {"-accel", "tcg", "-m", "256", "-smp", "1", "-nodefaults", "-no-user-config", "-display",
        "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"})
    argv.emplace_back(option);
  argv.insert(argv.end(), {"-kernel", guest.kernel, "-initrd", trial.work / "initrd.cpio",
                           "-append", command_line});
  argv.insert(argv.end(), disk.drive_arguments.begin(), disk.drive_arguments.end());
  return argv;
}

std::string guest_words(const Trial& trial, const Disk& disk, std::string_view program) {
  if (!disk.words.empty()) return disk.words;
  return "mbe.program=" + std::string(program) +
         " mbe.fs=" + std::string(filesystem_name(trial.filesystem)) +
         " mbe.mode=" + std::string(mode_name(trial.mode)) +
         " mbe.records=" + std::to_string(trial.records) +
         " mbe.writeback=" + (trial.guest_writeback ? "on" : "off");
}

}  // namespace ch07
