// What a program that never syncs paid meanwhile, shared by ch10_never_msync
// and ch10_dirty_threshold: the device's writes and flushes, and the
// process's page faults, sleeps and CPU time.
#pragma once

#include <sys/resource.h>

#include <cstdint>

namespace ch10 {

/// Counters read at one moment: the device's (device-wide: on a shared disk
/// other programs' I/O counts too) and this process's (getrusage).
struct ProcessCosts {
  std::uint64_t sectors = 0;  ///< sectors written to the device under the file
  std::uint64_t flushes = 0;  ///< cache flushes sent to that device
  rusage usage{};             ///< this process's faults, context switches, CPU time
};

/// Reads the counters now, for the device under @p fd (0 where the device
/// has no counters).
ProcessCosts read_costs(int fd);

/// Prints what happened between @p before and @p after as one line:
/// device_bytes= device_flushes= minor_faults= voluntary_switches=
/// cpu_user_ms= cpu_system_ms=
void print_costs(const ProcessCosts& before, const ProcessCosts& after);

}  // namespace ch10
