// What chapter 09's lab tests share: chapter 07's guest kernel booted with
// part of its RAM declared persistent memory (memmap=512M!256M, the legacy
// e820 kind that the nd_e820 and nd_pmem modules turn into /dev/pmem0), the
// host backing that RAM with a file in the test's scratch directory, a fresh
// filesystem placed in it, and chapter 07's plug: kill -9 of qemu, which
// leaves in the file every store the guest made. A next boot on the same
// file reads what survived. Used by pmem_probe_test.cpp and pmem_plug_test.cpp.
#pragma once

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "guest_console.hpp"
#include "guest_lab.hpp"
#include "testing.hpp"

namespace ch09::testing {

using mbe::testing::ScratchDir;

inline constexpr int trials = 5;  // plug pulls per filesystem and mapping

// [machine]
// Guest RAM of 1 GiB in a host file shared with qemu; 512 MiB of it, from
// 256 MiB on, is the persistent memory. -m and -append given again override
// chapter 07's (qemu keeps the last).
inline std::vector<std::string> pmem_machine(const std::filesystem::path& ram) {
  return {"-object",  "memory-backend-file,id=ram,share=on,size=1G,mem-path=" + ram.string(),
          "-machine", "memory-backend=ram",
          "-m",       "1G"};
}
inline constexpr long long pmem_start = 256LL << 20, pmem_size = 512LL << 20;
// [machine]

inline std::string command_line(const std::string& mode) {
  return std::string(ch07::guest_kernel_arguments) + " nokaslr memmap=512M!256M mbe.mode=" + mode;
}

struct Lab {
  std::string unavailable;  // why the lab cannot run here
  ch07::Guest guest;
};

inline Lab find_lab() {
  Lab lab;
  const std::filesystem::path ch09 = MBE_CH09_GUEST_DIR;
  try {
    lab.guest = {ch07::find_guest(MBE_CH07_GUEST_DIR).kernel, ch09 / "initramfs.cpio",
                 ch09 / "pmem-modules.cpio"};
  } catch (const ch07::LabUnavailable& unavailable) {
    lab.unavailable = unavailable.what();
    return lab;
  }
  std::error_code error;
  for (const auto& needed : {lab.guest.initramfs, lab.guest.modules}) {
    if (!std::filesystem::exists(needed, error)) {
      lab.unavailable =
          "no " + needed.string() + " (busybox-static, or the test 'ch09/pack the pmem modules')";
      return lab;
    }
  }
  for (const char* tool : {"mkfs.ext4", "mkfs.xfs"}) {
    if (ch07::find_tool(tool).empty()) {
      lab.unavailable =
          std::string(tool) + " is not installed (apt-get install e2fsprogs xfsprogs)";
      return lab;
    }
  }
  return lab;
}

// A fresh filesystem of kind @p fs, made on the host, placed where the guest
// will find its persistent memory inside @p ram (sparse: zero blocks skipped).
inline void make_pmem(const std::string& fs, const ScratchDir& dir,
                      const std::filesystem::path& ram) {
  const auto image = dir.file("pmem.img");
  { std::ofstream{image}; }
  std::filesystem::resize_file(image, pmem_size);
  const std::vector<std::string> mkfs =
      fs == "xfs"
          ? std::vector<std::string>{ch07::find_tool("mkfs.xfs"),
                                     "-q",
                                     "-f",
                                     "-m",
                                     "reflink=0",
                                     image}
          : std::vector<std::string>{ch07::find_tool("mkfs.ext4"), "-q", "-F", "-b", "4096", image};
  REQUIRE_MESSAGE(ch07::run_tool(mkfs, dir.file("mkfs.txt")) == 0,
                  mbe::testing::read_file(dir.file("mkfs.txt")));
  const int in = ::open(image.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = ::open(ram.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE((in >= 0 && out >= 0));
  REQUIRE(::ftruncate(out, 1LL << 30) == 0);
  std::vector<char> chunk(1 << 20);
  for (long long done = 0; done < pmem_size; done += static_cast<long long>(chunk.size())) {
    REQUIRE(::pread(in, chunk.data(), chunk.size(), done) == static_cast<ssize_t>(chunk.size()));
    if (std::any_of(chunk.begin(), chunk.end(), [](char c) { return c != 0; }))
      REQUIRE(::pwrite(out, chunk.data(), chunk.size(), pmem_start + done) ==
              static_cast<ssize_t>(chunk.size()));
  }
  ::close(in);
  ::close(out);
  std::filesystem::remove(image);
}

// The lab with a fresh filesystem of kind @p fs in its persistent memory, in
// a scratch directory of its own; when the lab cannot run here, only
// lab.unavailable (why) is set and nothing is made.
struct PreparedPmem {
  explicit PreparedPmem(const std::string& fs) : lab(find_lab()), ram(dir.file("ram.img")) {
    if (lab.unavailable.empty()) make_pmem(fs, dir, ram);
  }
  Lab lab;
  ScratchDir dir;
  std::filesystem::path ram;
};

// Boots the guest in @p mode on @p ram and pulls the plug at "ACK 1" or
// "DONE"; returns the console, "\r" removed. Skips are the caller's: an
// unavailable lab returns "" with @p unavailable set.
inline std::string boot(const Lab& lab, const ScratchDir& dir, const std::filesystem::path& ram,
                        const std::string& mode, std::string& unavailable,
                        std::chrono::seconds pull_delay = std::chrono::seconds(0)) {
  ch07::Trial trial;  // its writer mode is chapter 07's: this guest's mode is on its own -append
  trial.work = dir.path();
  trial.pull_after_ack = 1;
  trial.pull_delay = pull_delay;
  trial.boot_timeout = std::chrono::seconds(180);  // TCG on a busy machine
  std::ofstream(dir.file("initrd.cpio"), std::ios::binary)
      << std::ifstream(lab.guest.initramfs, std::ios::binary).rdbuf()
      << std::ifstream(lab.guest.modules, std::ios::binary).rdbuf();
  ch07::Disk disk;  // no disk: the persistent memory is the RAM file
  disk.drive_arguments = pmem_machine(ram);
  disk.drive_arguments.insert(disk.drive_arguments.end(), {"-append", command_line(mode)});
  std::string failed;
  try {
    ch07::RunningGuest running(lab.guest, trial, disk);
    running.wait_for_ack(trial.pull_after_ack);
    std::this_thread::sleep_for(trial.pull_delay);
    ::kill(running.qemu(), SIGKILL);
    (void)running.after_the_plug();
  } catch (const ch07::LabUnavailable& not_booted) {
    unavailable = not_booted.what();
  } catch (const mbe::Error& error) {
    failed = error.what();
  }
  std::string log = mbe::testing::read_file(dir.file("console.log"));  // complete once qemu is gone
  std::erase(log, '\r');
  INFO("console of " << mode << ":\n" << log);
  if (!unavailable.empty()) unavailable += "\n" + log;
  REQUIRE_MESSAGE(failed.empty(), failed);
  return log;
}

// The line of @p console that starts with @p start (without it), or "".
inline std::string line_after(const std::string& console, const std::string& start) {
  const auto at = console.find("\n" + start);
  if (at == std::string::npos) return "";
  const auto begin = at + 1 + start.size();
  return console.substr(begin, console.find('\n', begin) - begin);
}

}  // namespace ch09::testing
