// sync_after_eio — a failed msync is reported once; the retry "succeeds".
//
// Usage: ch08_sync_after_eio FILE [--mib N]
//
// Creates FILE (N MiB, default 24; it must not exist yet), stores into every
// page through a MAP_SHARED mapping and syncs it three times: msync(MS_SYNC),
// msync(MS_SYNC) again, then fsync — printing each result and how many pages
// are still dirty. Finally it drops its pages from the page cache and reads
// the file back from the device.
//
// Then it fsyncs two more descriptors of FILE: one it opened before the
// stores and one it opens after the failure.
//
// On a healthy disk every sync succeeds and every page reads back. When the
// device fails the writes (the chapter's test puts the filesystem on a device
// that runs out of space underneath it), the first sync reports the error —
// and the kernel has already marked the pages clean. A writeback error is
// reported once per open file description (errseq_t): the retries through the
// same descriptor have nothing left to write and return 0 while the data never
// reached the disk; the descriptor opened before the failure still gets the
// error once; the one opened after it gets 0. Retrying fsync after an error is
// not a recovery; the only safe reaction is to treat everything since the last
// good sync as lost (and rewrite it from a copy you still have).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_sync_after_eio FILE [--mib N]\n"
    "  Stores into every page of a new N MiB FILE (default 24), syncs three times,\n"
    "  fsyncs a descriptor opened before the stores and one opened after the\n"
    "  syncs, and reads the file back from the device.\n";

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t mib = 24;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                                 {mbe::Option::number("--mib", mib, 1, 1024)}))
    return *exit_status;
  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, mib << 20);
    const int opened_before = ::open(path, O_RDONLY | O_CLOEXEC);
    if (opened_before < 0) return mbe::report_errno("open", errno);
    for (std::size_t at = 0; at < file.size(); at += page) file.bytes()[at] = std::byte{'x'};

    // [retry]
    const auto report = [&](const char* call, int result) {
      const auto state = mbe::page_cache_state(file.fd());
      std::printf("%-22s %-40s dirty or in writeback: %llu pages\n", call,
                  mbe::call_result(result).c_str(),
                  static_cast<unsigned long long>(state.dirty) + state.writeback);
    };
    report("msync(MS_SYNC):", ::msync(file.bytes().data(), file.size(), MS_SYNC));
    report("msync again:", ::msync(file.bytes().data(), file.size(), MS_SYNC));
    report("fsync:", ::fsync(file.fd()));
    // [retry]

    // [other descriptors]
    const int opened_after = ::open(path, O_RDONLY | O_CLOEXEC);
    if (opened_after < 0) return mbe::report_errno("open", errno);
    report("fsync(opened before):", ::fsync(opened_before));
    report("fsync(opened after):", ::fsync(opened_after));
    report("fsync(before) again:", ::fsync(opened_before));
    ::close(opened_after);
    ::close(opened_before);
    // [other descriptors]

    // Unmap (mapped pages cannot be evicted), evict the clean pages and read
    // what the device really holds.
    const std::size_t size = file.size();
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return mbe::report_errno("open", errno);
    file = mbe::MappedFile{};
    if (const int error = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED); error != 0)
      return mbe::report_errno("posix_fadvise", error);
    std::size_t lost = 0;
    for (std::size_t at = 0; at < size; at += page) {
      char byte = 0;
      if (::pread(fd, &byte, 1, static_cast<off_t>(at)) != 1 || byte != 'x') ++lost;
    }
    ::close(fd);
    std::printf("read back from the device: %zu of %zu pages lost\n", lost, size / page);
    return lost == 0 ? 0 : 3;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
