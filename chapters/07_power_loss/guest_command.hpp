// What chapter 07's qemu and the guest's /init are told: qemu's options for a
// trial, the kernel's command line and the lab's words (mbe.program=...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "guest_lab.hpp"

namespace ch07 {

/// The guest kernel's command line before the lab's own words: the serial
/// console, quiet, reboot (qemu: exit) at once on a panic, and
/// no_timer_check — under software emulation on a busy host the kernel's
/// IO-APIC timer check can miss its ticks and panic at boot ("IO-APIC +
/// timer doesn't work!", seen here with three guests on two cores).
/// The rest only saves boot time, which every trial pays twice or more:
/// no self-test of each crypto algorithm at registration, no probe of a PS/2
/// keyboard controller the lab never uses, no kprobe tracing set-up. With
/// them, from qemu's start to the writer's DONE after one record took
/// 2.4-2.9 s (median 2.6) instead of 2.7-4.1 s (median 3.0) here (Debian's
/// 6.1 kernel under qemu TCG, six runs each, taken in turns).
inline constexpr std::string_view guest_kernel_arguments =
    "console=ttyS0 quiet panic=-1 no_timer_check cryptomgr.notests "
    "initcall_blacklist=i8042_init,init_kprobe_trace";

/// qemu's options that boot @p guest on @p disk with @p command_line.
std::vector<std::string> qemu_arguments(const Guest& guest, const Trial& trial, const Disk& disk,
                                        const std::string& command_line);

/// The words for the guest's /init: disk.words if set (the names lab), else
/// @p program ("writer" or "recover") with @p trial's filesystem, mode,
/// records and writeback. On the kernel command line after
/// guest_kernel_arguments, or typed to a restored guest.
std::string guest_words(const Trial& trial, const Disk& disk, std::string_view program);

}  // namespace ch07
