// cost_benchmark — what each way to persist a mapped update costs, measured.
//
// Usage: ch10_cost_benchmark DIR [--rounds N]
//
// In DIR (a disk filesystem) it makes one file per case and, in each of N
// rounds (default 30), runs every case once — interleaved, so a slow minute
// of the device hurts all cases alike. A case stores 8 bytes into each of 1 or
// 256 pages and then persists them one way: not at all, MS_ASYNC, MS_SYNC,
// fsync, fdatasync, or the same bytes by pwrite + fdatasync. The floor is
// fdatasync with nothing dirty: the bare device cache flush. Two more rows
// show one page in a 1 GiB mapping (mapping size does not matter) and one
// page in a file written by 1 MiB write()s (folio write amplification).
//
// Prints a Markdown table: time per update (stores + call) as min / median /
// max, the median's ratio to the floor, device bytes written per byte stored
// and device cache flushes per update (each the least seen over the rounds:
// the device counters are shared, so a busy machine can only make them
// larger). Both depend on the filesystem (see the chapter's table). Its files
// are removed at the end.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/device_writes.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch10_cost_benchmark DIR [--rounds N]\n"
    "  Times nothing / MS_ASYNC / MS_SYNC / fsync / fdatasync / pwrite+fdatasync for\n"
    "  1 and 256 dirty pages against the bare device flush; prints a Markdown table.\n";

enum class Persist { nothing, ms_async, ms_sync, fsync, fdatasync, pwrite_fdatasync };

struct Case {
  std::string label;
  Persist persist;
  std::size_t pages;  // pages updated per round (0: the floor, nothing stored)
  mbe::MappedFile file;
  std::vector<double> micros;
  std::uint64_t fewest_bytes = UINT64_MAX;
  std::uint64_t fewest_flushes = UINT64_MAX;
};

void check(int result, const char* call) {
  if (result != 0) mbe::throw_errno(call);
}

// [update]
// One update: 8 bytes into each page, then the case's way to persist them.
void update(Case& c) {
  const std::size_t page = mbe::page_size();
  for (std::size_t i = 0; i < c.pages; ++i) {
    if (c.persist == Persist::pwrite_fdatasync) {
      const std::uint64_t value = i;
      if (::pwrite(c.file.fd(), &value, sizeof value, static_cast<off_t>(i * page)) != sizeof value)
        check(-1, "pwrite");
    } else {
      ++c.file.object<std::uint64_t>(i * page);
    }
  }
  const std::size_t length = std::max<std::size_t>(c.pages, 1) * page;
  switch (c.persist) {
    case Persist::nothing:
      break;
    case Persist::ms_async:
      check(::msync(c.file.bytes().data(), length, MS_ASYNC), "msync");
      break;
    case Persist::ms_sync:
      check(::msync(c.file.bytes().data(), length, MS_SYNC), "msync");
      break;
    case Persist::fsync:
      check(::fsync(c.file.fd()), "fsync");
      break;
    case Persist::fdatasync:
    case Persist::pwrite_fdatasync:
      check(::fdatasync(c.file.fd()), "fdatasync");
      break;
  }
}
// [update]

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* directory = nullptr;
  std::uint64_t rounds = 30;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&directory, 1}, {mbe::Option::number("--rounds", rounds, 1, 10'000)}))
    return *exit_status;
  const std::filesystem::path dir = directory;
  const std::size_t page = mbe::page_size();
  std::vector<Case> cases;
  std::filesystem::path written_file;  // the one file not made by MappedFile::create
  try {
    // Files filled through a mapping and synced: blocks allocated, small folios.
    const auto add = [&](std::string label, Persist persist, std::size_t pages,
                         std::size_t file_pages) {
      auto file = mbe::MappedFile::create(
          dir / ("ch10_cost_" + std::to_string(cases.size()) + ".tmp"), file_pages * page);
      for (std::size_t at = 0; at < std::min<std::size_t>(file.size(), 256 * page); at += page)
        file.bytes()[at] = std::byte{1};
      file.sync_or_throw(0, file.size());
      cases.push_back(
          {std::move(label), persist, pages, std::move(file), {}, UINT64_MAX, UINT64_MAX});
    };
    add("fdatasync, nothing dirty (floor)", Persist::fdatasync, 0, 1);
    for (const std::size_t pages : {std::size_t{1}, std::size_t{256}}) {
      add("nothing (stores only)", Persist::nothing, pages, 256);
      add("MS_ASYNC", Persist::ms_async, pages, 256);
      add("MS_SYNC", Persist::ms_sync, pages, 256);
      add("fsync", Persist::fsync, pages, 256);
      add("fdatasync", Persist::fdatasync, pages, 256);
      add("pwrite + fdatasync", Persist::pwrite_fdatasync, pages, 256);
    }
    add("MS_SYNC, 1 GiB mapping", Persist::ms_sync, 1, (std::size_t{1} << 30) / page);
    {  // a file written by 1 MiB write()s gets large folios: one stored byte dirties a whole one
      const auto path = dir / ("ch10_cost_" + std::to_string(cases.size()) + ".tmp");
      written_file = path;
      const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) check(-1, "open");
      const std::vector<char> chunk(std::size_t{1} << 20, 'w');
      for (off_t at = 0; at < (4 << 20); at += 1 << 20)
        if (::pwrite(fd, chunk.data(), chunk.size(), at) != static_cast<ssize_t>(chunk.size()))
          check(-1, "pwrite");
      check(::fsync(fd), "fsync");
      ::close(fd);
      cases.push_back({"MS_SYNC, file written in 1 MiB chunks",
                       Persist::ms_sync,
                       1,
                       mbe::MappedFile::open(path),
                       {},
                       UINT64_MAX,
                       UINT64_MAX});
    }

    // [rounds]
    for (std::uint64_t round = 0; round < rounds; ++round) {
      for (auto& c : cases) {
        const auto sectors_before = mbe::sectors_written(c.file.fd());
        const auto flushes_before = mbe::flushes_sent(c.file.fd());
        const auto start = std::chrono::steady_clock::now();
        update(c);
        const auto stop = std::chrono::steady_clock::now();
        const auto sectors_after = mbe::sectors_written(c.file.fd());
        const auto flushes_after = mbe::flushes_sent(c.file.fd());
        c.micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
        if (sectors_before && sectors_after)
          c.fewest_bytes =
              std::min(c.fewest_bytes, (*sectors_after - *sectors_before) * mbe::sector_bytes);
        if (flushes_before && flushes_after)
          c.fewest_flushes = std::min(c.fewest_flushes, *flushes_after - *flushes_before);
      }
    }
    // [rounds]
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    for (auto& c : cases) mbe::remove_quietly(c.file.path());
    if (!written_file.empty()) mbe::remove_quietly(written_file);
    return 1;
  }

  for (auto& c : cases) std::sort(c.micros.begin(), c.micros.end());
  const auto median = [](const std::vector<double>& sorted) { return sorted[sorted.size() / 2]; };
  const double floor = median(cases.front().micros);
  std::printf(
      "| way to persist | dirty pages | min µs | median µs | max µs | median / floor "
      "| device bytes per byte stored | device flushes |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& c : cases) {
    std::string bytes = "n/a";
    if (c.fewest_bytes != UINT64_MAX && c.pages > 0)
      bytes = std::to_string(c.fewest_bytes / (8 * c.pages));
    else if (c.fewest_bytes != UINT64_MAX)
      bytes = std::to_string(c.fewest_bytes) + " bytes in all";
    const std::string flushes =
        c.fewest_flushes == UINT64_MAX ? "n/a" : std::to_string(c.fewest_flushes);
    std::printf("| %s | %zu | %.1f | %.1f | %.1f | %.1f | %s | %s |\n", c.label.c_str(), c.pages,
                c.micros.front(), median(c.micros), c.micros.back(), median(c.micros) / floor,
                bytes.c_str(), flushes.c_str());
    mbe::remove_quietly(c.file.path());
  }
  std::printf("\n%llu interleaved rounds. Time is per update: the stores plus the call.\n",
              static_cast<unsigned long long>(rounds));
  return 0;
}
