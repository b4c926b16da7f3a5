// What a program that never syncs paid meanwhile: see process_costs.hpp.
#include "process_costs.hpp"

#include <cstdio>

#include "msync/device_writes.hpp"

namespace ch10 {

namespace {

long long milliseconds(const timeval& time) {
  return time.tv_sec * 1000LL + time.tv_usec / 1000;
}

}  // namespace

ProcessCosts read_costs(int fd) {
  ProcessCosts now;
  now.sectors = mbe::sectors_written(fd).value_or(0);
  now.flushes = mbe::flushes_sent(fd).value_or(0);
  ::getrusage(RUSAGE_SELF, &now.usage);
  return now;
}

void print_costs(const ProcessCosts& before, const ProcessCosts& after) {
  std::printf(
      "device_bytes=%llu device_flushes=%llu minor_faults=%ld voluntary_switches=%ld "
      "cpu_user_ms=%lld cpu_system_ms=%lld\n",
      static_cast<unsigned long long>(after.sectors - before.sectors) * mbe::sector_bytes,
      static_cast<unsigned long long>(after.flushes - before.flushes),
      after.usage.ru_minflt - before.usage.ru_minflt, after.usage.ru_nvcsw - before.usage.ru_nvcsw,
      milliseconds(after.usage.ru_utime) - milliseconds(before.usage.ru_utime),
      milliseconds(after.usage.ru_stime) - milliseconds(before.usage.ru_stime));
}

}  // namespace ch10
