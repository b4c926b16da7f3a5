// record_recover — the recovery scan: after a crash, what in this record file
// can be trusted?
//
// Usage: ch05_record_recover FILE
//
// Maps FILE read-only, validates the header, then every committed record in
// order, and stops at the first bad one. It also looks past the counter:
// records written but never published, and a torn (half-written) slot.
// Prints one summary line:
//   committed=C valid=V unpublished_valid=U torn_after=0|1 finished=0|1 pattern_mismatch=P
// then, if a committed record is bad, the reason. Run it only when no producer is
// writing. Exit status: 0 all committed records valid; 1 a bad header or record.
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/shrink_guard.hpp"
#include "record_format.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_recover FILE\n"
    "  Scans a record file after a crash (no producer may be running) and reports\n"
    "  how many committed records are valid, stopping at the first bad one.\n";
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;

  mbe::Failure failure;  // names the call that failed: open, fstat, mmap...
  const auto file = mbe::MappedFile::open(path, failure, mbe::Access::read_only);
  if (failure) {
    std::cerr << "ch05_record_recover: " << path << ": " << failure.describe() << '\n';
    return 1;
  }
  mbe::exit_when_shrunk(
      file, "ch05_record_recover");  // truncated during the scan: a message, not a crash
  const auto report = ch05::scan_records(file.bytes(), /*look_past_committed=*/true);
  if (!report.header_problem.empty()) {
    std::cerr << "ch05_record_recover: " << path << ": " << report.header_problem << '\n';
    return 1;
  }
  std::cout << "committed=" << report.committed << " valid=" << report.valid
            << " unpublished_valid=" << report.unpublished_valid
            << " torn_after=" << report.torn_after << " finished=" << report.finished
            << " pattern_mismatch=" << report.pattern_mismatch << '\n';
  if (!report.first_bad.empty()) {
    std::cout << "first bad committed record: " << report.first_bad << "; records " << report.valid
              << " and later cannot be trusted\n";
    return 1;
  }
  return 0;
}
