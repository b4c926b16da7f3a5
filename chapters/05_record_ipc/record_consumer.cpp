// record_consumer — read the records another process publishes, never past
// the committed counter, checking each record's sequence number and checksum.
//
// Usage: ch05_record_consumer FILE [--follow] [--idle-timeout-ms T] [--print]
//
// Maps FILE read-only (it can never change it), checks the header, then reads
// every committed record. With --follow it keeps waiting for new records on a
// futex in the file until the producer marks the stream finished, or until no
// record arrived for T ms (default 10000: the producer may have died). A
// follower announces its sleep in the header (a bit of the futex word), so
// with --follow the header's page is mapped writable (the file must be
// writable), the records' pages still read-only.
// Prints "read=N record_size=S all_valid=1 finished=0|1".
// Exit status: 0 all records valid; 1 a bad file or a bad record; 3 timed out.
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/shrink_guard.hpp"
#include "record_stream.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_consumer FILE [--follow] [--idle-timeout-ms T] [--print]\n"
    "  Reads and checks the committed records of FILE and prints a summary.\n"
    "  --follow  wait for more records until the producer finishes\n"
    "            (or until none arrived for T ms, default 10000)\n"
    "  --print   print one line per record\n";
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  bool follow = false, print = false;
  std::uint64_t idle_timeout_ms = 10'000;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::toggle("--follow", follow), mbe::Option::toggle("--print", print),
           mbe::Option::number("--idle-timeout-ms", idle_timeout_ms, 0, 86'400'000)}))
    return *exit_status;

  mbe::Failure failure;  // names the call that failed: open, fstat, mmap...
  auto file = mbe::MappedFile::open(path, failure,
                                    follow ? mbe::Access::read_write : mbe::Access::read_only);
  if (failure) {
    std::cerr << "ch05_record_consumer: " << path << ": " << failure.describe() << '\n';
    return 1;
  }
  // A follower writes only the sleeper bit of the wake word, in the header's page. mprotect
  // works on whole pages: that first page (the header and the records that share it) stays
  // writable, every later page is made read-only.
  if (const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
      follow && file.size() > page &&
      ::mprotect(file.bytes().data() + page, file.size() - page, PROT_READ) != 0)
    return mbe::report_errno("ch05_record_consumer: mprotect", errno);
  // Another process may shrink the file or rewrite its header at any moment:
  // a read past its end ends the program with a message (not a crash), and
  // record size and capacity come from one checked copy of the header, never
  // from the file again, so no rewrite can send a read outside the mapping.
  // [trusted]
  mbe::exit_when_shrunk(file, "ch05_record_consumer");
  const auto bytes = std::span<const std::byte>(file.bytes());
  ch05::FileHeader trusted{};
  if (auto why = ch05::read_header(bytes, trusted); !why.empty()) {
    std::cerr << "ch05_record_consumer: " << path << ": " << why << '\n';
    return 1;
  }
  auto& header =
      file.object<ch05::FileHeader>();  // only its counters are used (and the sleeper bit set)
  // [trusted]

  // [consume]
  std::uint64_t seen = 0;
  bool finished = false;
  for (;;) {
    if (auto why = ch05::why_header_changed(bytes, trusted); !why.empty()) {
      std::cerr << "ch05_record_consumer: " << path << ": " << why << '\n';
      return 1;
    }
    const std::uint64_t committed = ch05::load_committed(header);  // acquire
    if (committed > trusted.capacity) {
      std::cerr << "ch05_record_consumer: " << path << ": the counter (" << committed
                << ") passed the capacity (" << trusted.capacity << ")\n";
      return 1;
    }
    for (; seen < committed; ++seen) {  // never past the counter: those bytes may be half-written
      const auto slot =
          bytes.subspan(ch05::record_offset(seen, trusted.record_size), trusted.record_size);
      if (auto why = ch05::why_bad_record(slot, seen); !why.empty()) {
        std::cerr << "ch05_record_consumer: " << path << ": " << why << '\n';
        return 1;
      }
      if (print) std::cout << "record " << seen << " ok\n";
    }
    if (!follow) {
      finished = ch05::load_finished(header) && ch05::load_committed(header) == seen;
      break;
    }
    std::cout.flush();  // what was read so far is out before the wait, which may be long
    const auto result =
        ch05::wait_for_records(header, seen, std::chrono::milliseconds(idle_timeout_ms));
    if (result == ch05::WaitResult::finished) {
      finished = true;
      break;
    }
    if (result == ch05::WaitResult::timed_out) {
      std::cerr << "ch05_record_consumer: " << path << ": no new record for " << idle_timeout_ms
                << " ms and the producer has not finished; read " << seen << " records\n";
      return 3;
    }
  }
  // [consume]
  // The summary a test reads: every record read was valid (else exit 1).
  std::cout << "read=" << seen << " record_size=" << trusted.record_size
            << " all_valid=1 finished=" << (finished ? 1 : 0) << '\n';
  return 0;
}
