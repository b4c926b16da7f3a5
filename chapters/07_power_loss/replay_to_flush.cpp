// replay_to_flush — the disk a power loss leaves when its write cache is volatile.
//
// Usage: ch07_replay_to_flush LOG IMAGE
//
// LOG is the write log qemu's blklogwrites driver kept while a guest ran
// (every write and flush the guest sent to its disk); IMAGE is a copy of the
// disk as it was before the guest booted. The program applies to IMAGE the
// writes a disk with a volatile cache is sure to keep when the power goes:
// every write before the last flush, and writes marked FUA. The writes after
// the last flush were acknowledged by the disk but lived in its cache only.
//
// kill -9 of qemu is a milder power loss: every write qemu had handed to the
// host survives, flushed or not. A program that never asks for a flush
// (sync_file_range, for one) passes that test and fails this one.
#include <cstdio>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "write_log.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_replay_to_flush LOG IMAGE\n"
    "  Applies to IMAGE (the disk before the guest booted) the writes of LOG (a\n"
    "  qemu blklogwrites log) up to the last flush: the disk a power loss leaves\n"
    "  when the disk's write cache is volatile. Prints one line:\n"
    "  entries=N flushes=N writes_replayed=N writes_dropped=N\n";

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* operands[2] = {};
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, operands)) return *exit_status;

  // [replay]
  ch07::ReplaySummary summary;
  try {
    summary = ch07::replay_to_last_flush(operands[0], operands[1]);
  } catch (const mbe::Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  // [replay]
  // Replayed: the writes before the last flush, or FUA; dropped: those after
  // it, lost with the volatile cache.
  std::printf("entries=%llu flushes=%llu writes_replayed=%llu writes_dropped=%llu\n",
              static_cast<unsigned long long>(summary.entries),
              static_cast<unsigned long long>(summary.flushes),
              static_cast<unsigned long long>(summary.writes_replayed),
              static_cast<unsigned long long>(summary.writes_dropped));
  return 0;
}
