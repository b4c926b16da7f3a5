// The disk files in qemu's options: see qemu_disks.hpp.
#include "qemu_disks.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string_view>

#include "lab_files.hpp"
#include "msync/errors.hpp"

namespace ch07 {

namespace {

// @p argument of qemu's -drive or -blockdev with each disk file in it
// replaced by @p change(file).
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

std::string without(std::string text, const std::string& part, const std::string& mark) {
  for (auto at = text.find(part); !part.empty() && at != std::string::npos;
       at = text.find(part, at + mark.size()))
    text.replace(at, part.size(), mark);
  return text;
}

std::string hash_of(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bits
  for (const char byte : text) hash = (hash ^ static_cast<unsigned char>(byte)) * 1099511628211ULL;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

// A file's path and time stamp; 0 for one that is not there (ext4 has no
// filesystem modules).
std::string stamp_of(const std::filesystem::path& file) {
  std::error_code error;
  const auto stamp = std::filesystem::last_write_time(file, error).time_since_epoch().count();
  return '\n' + file.string() + ' ' + std::to_string(error ? 0 : stamp);
}

}  // namespace

std::string guest_build_key(const Guest& guest, const std::filesystem::path& qemu) {
  std::string text;
  // The firmware's code is in the saved memory too (Debian's paths).
  for (const auto& file : {qemu, guest.kernel, guest.initramfs, guest.modules,
                           std::filesystem::path("/usr/share/seabios/bios-256k.bin"),
                           std::filesystem::path("/usr/share/qemu/linuxboot_dma.bin"),
                           std::filesystem::path("/usr/share/qemu/kvmvapic.bin")})
    text += stamp_of(file);
  return hash_of(text);
}

std::string saved_guest_key(const Guest& guest, const Trial& trial,
                            const std::vector<std::string>& argv) {
  std::string text = stamp_of(guest.filesystem_modules);
  for (std::size_t index = 0; index < argv.size(); ++index) {
    auto argument = argv[index];
    if (holds_disks(argv, index))
      argument = with_disk_files(argument, [](const std::filesystem::path& file) {
        return "DISK:" + std::to_string(size_of(file));
      });
    text += '\n' + without(argument, trial.work.string(), "WORK");
  }
  return hash_of(text);
}

std::vector<std::string> with_blank_disks(std::vector<std::string> argv,
                                          const std::filesystem::path& directory,
                                          std::vector<std::filesystem::path>& blanks) {
  for (std::size_t index = 0; index < argv.size(); ++index)
    if (holds_disks(argv, index))
      argv[index] = with_disk_files(argv[index], [&](const std::filesystem::path& file) {
        const auto& blank =
            blanks.emplace_back(directory / ("saving-disk-" + std::to_string(blanks.size())));
        if (std::ofstream create{blank, std::ios::binary}; !create)
          trial_failed("could not create " + blank.string());
        std::error_code error;
        std::filesystem::resize_file(blank, size_of(file), error);  // sparse: holes only
        if (error) mbe::throw_error("truncate " + blank.string(), error);
        return blank.string();
      });
  return argv;
}

}  // namespace ch07
