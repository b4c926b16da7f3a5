#include "write_log.hpp"

#include <endian.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace ch07 {

namespace {

// Closes the descriptor on every path out.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

bool read_exactly(int fd, void* buffer, std::size_t size, std::uint64_t offset) {
  return ::pread(fd, buffer, size, static_cast<off_t>(offset)) == static_cast<ssize_t>(size);
}

struct Located {
  WriteLogEntry entry;
  std::uint64_t data_offset;  // byte offset of its data in the log
};

// A log the replay cannot trust: refused before anything is written.
[[noreturn]] void refuse(const std::string& message) {
  throw mbe::Error(message, std::make_error_code(std::errc::bad_message));
}

// Opens @p path into @p file and returns its size.
std::uint64_t open_and_size(const std::filesystem::path& path, int access, Descriptor& file) {
  mbe::Failure failure;  // a FIFO is refused, never waited on
  file.fd = mbe::open_regular_file(path, access, failure);
  if (file.fd < 0) mbe::throw_error(failure.call + " " + path.string(), failure.error);
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) mbe::throw_errno("fstat " + path.string());
  return static_cast<std::uint64_t>(status.st_size);
}

}  // namespace

ReplaySummary replay_to_last_flush(const std::filesystem::path& log,
                                   const std::filesystem::path& image) {
  ReplaySummary summary;
  Descriptor log_file{-1}, image_file{-1};
  const std::uint64_t log_size = open_and_size(log, O_RDONLY, log_file);
  const std::uint64_t image_size = open_and_size(image, O_WRONLY, image_file);
  WriteLogSuper super{};
  if (!read_exactly(log_file.fd, &super, sizeof super, 0) ||
      le64toh(super.magic) != write_log_magic)
    refuse(log.string() + ": not a write log (no dm-log-writes superblock)");
  const std::uint64_t sector_size = le32toh(super.sector_size);
  if (le64toh(super.version) != 1 || sector_size < 512 || sector_size > (1 << 20) ||
      (sector_size & (sector_size - 1)) != 0)
    refuse(log.string() + ": unsupported version or sector size");
  const std::uint64_t image_sectors = image_size / sector_size;

  // First pass: find every entry and the last flush, checking all of it —
  // that its data is in the log and its sectors on the disk — before the
  // image is touched. Every product and sum below is bounded by a file size
  // first, so none can overflow.
  std::vector<Located> entries;
  std::uint64_t position = sector_size;  // entries start at sector 1
  std::size_t last_flush = 0;            // entries[0, last_flush) reached the medium
  summary.entries = le64toh(super.entries);
  for (std::uint64_t index = 0; index < summary.entries; ++index) {
    const std::string name = log.string() + ": entry " + std::to_string(index);
    WriteLogEntry entry{};
    if (!read_exactly(log_file.fd, &entry, sizeof entry, position))
      refuse(log.string() + ": truncated at entry " + std::to_string(index));
    entry = {le64toh(entry.sector), le64toh(entry.nr_sectors), le64toh(entry.flags),
             le64toh(entry.data_len)};
    if ((entry.flags & ~(write_log_flush | write_log_fua | write_log_discard | write_log_mark)) !=
        0)
      refuse(log.string() + ": unknown flags in entry " + std::to_string(index));
    const bool has_data = (entry.flags & (write_log_discard | write_log_mark)) == 0;
    if (entry.nr_sectors > log_size / sector_size)
      refuse(log.string() + ": truncated in the data of entry " + std::to_string(index));
    const std::uint64_t data_bytes = has_data ? entry.nr_sectors * sector_size : 0;
    if (sector_size + data_bytes > log_size - position)
      refuse(log.string() + ": truncated in the data of entry " + std::to_string(index));
    if (has_data && entry.nr_sectors > 0 &&
        (entry.sector > image_sectors || entry.nr_sectors > image_sectors - entry.sector))
      refuse(name + " writes sectors " + std::to_string(entry.sector) + " + " +
             std::to_string(entry.nr_sectors) + ", past the end of " + image.string() + " (" +
             std::to_string(image_sectors) + " sectors)");
    entries.push_back({entry, position + sector_size});
    position += sector_size + data_bytes;
    if ((entry.flags & write_log_flush) != 0) {
      ++summary.flushes;
      last_flush = entries.size() - 1;  // a flush's own data, if any, comes after the flush
    }
  }

  // qemu rewrites the superblock at each flush (and every 4096 entries): what
  // it logged after the last rewrite is not counted, and never durable (the
  // guest saw no flush complete after it). Those writes are only counted.
  for (WriteLogEntry entry{}; read_exactly(log_file.fd, &entry, sizeof entry, position);) {
    const auto flags = le64toh(entry.flags), sectors = le64toh(entry.nr_sectors);
    const bool has_data = (flags & (write_log_discard | write_log_mark)) == 0;
    if ((flags & ~(write_log_flush | write_log_fua | write_log_discard | write_log_mark)) != 0 ||
        sectors > log_size / sector_size ||
        sector_size + (has_data ? sectors * sector_size : 0) > log_size - position)
      break;  // cut off by the plug
    summary.writes_dropped += has_data && sectors > 0 ? 1 : 0;
    position += sector_size + (has_data ? sectors * sector_size : 0);
  }

  // Second pass: apply what a volatile cache cannot have lost.
  std::vector<char> data;
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const auto& [entry, data_offset] = entries[index];
    if ((entry.flags & (write_log_discard | write_log_mark)) != 0 || entry.nr_sectors == 0)
      continue;
    if (index >= last_flush && (entry.flags & write_log_fua) == 0) {
      ++summary.writes_dropped;
      continue;
    }
    data.resize(entry.nr_sectors * sector_size);
    errno = 0;  // a short read sets none
    if (!read_exactly(log_file.fd, data.data(), data.size(),
                      data_offset))  // the log shrank meanwhile
      mbe::throw_error("pread " + log.string() + " (entry " + std::to_string(index) + ")",
                       errno != 0 ? mbe::last_error() : std::make_error_code(std::errc::io_error));
    const ssize_t written = ::pwrite(image_file.fd, data.data(), data.size(),
                                     static_cast<off_t>(entry.sector * sector_size));
    if (written != static_cast<ssize_t>(data.size()))  // a short write: no space for the rest
      mbe::throw_error(
          "pwrite " + image.string() + " (entry " + std::to_string(index) + ")",
          written < 0 ? mbe::last_error() : std::make_error_code(std::errc::no_space_on_device));
    ++summary.writes_replayed;
  }
  if (::fsync(image_file.fd) != 0) mbe::throw_errno("fsync " + image.string());
  return summary;
}

}  // namespace ch07
