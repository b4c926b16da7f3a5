#include "write_log.hpp"

#include <endian.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "msync/errors.hpp"

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

}  // namespace

bool replay_to_last_flush(const std::filesystem::path& log, const std::filesystem::path& image,
                          ReplaySummary& summary, std::string& error) {
  summary = {};
  const Descriptor log_file{::open(log.c_str(), O_RDONLY | O_CLOEXEC)};
  if (log_file.fd < 0) return error = mbe::describe_error("open " + log.string(), mbe::last_error()), false;
  WriteLogSuper super{};
  if (!read_exactly(log_file.fd, &super, sizeof super, 0) || le64toh(super.magic) != write_log_magic)
    return error = log.string() + ": not a write log (no dm-log-writes superblock)", false;
  const std::uint64_t sector_size = le32toh(super.sector_size);
  if (le64toh(super.version) != 1 || sector_size < 512 || sector_size > (1 << 20) ||
      (sector_size & (sector_size - 1)) != 0)
    return error = log.string() + ": unsupported version or sector size", false;
  const auto log_size = static_cast<std::uint64_t>(::lseek(log_file.fd, 0, SEEK_END));

  // First pass: find every entry and the last flush, checking that all of it is there.
  std::vector<Located> entries;
  std::uint64_t position = sector_size;  // entries start at sector 1
  std::size_t last_flush = 0;            // entries[0, last_flush) reached the medium
  summary.entries = le64toh(super.entries);
  for (std::uint64_t index = 0; index < summary.entries; ++index) {
    WriteLogEntry entry{};
    if (!read_exactly(log_file.fd, &entry, sizeof entry, position))
      return error = log.string() + ": truncated at entry " + std::to_string(index), false;
    entry = {le64toh(entry.sector), le64toh(entry.nr_sectors), le64toh(entry.flags), le64toh(entry.data_len)};
    if (entry.flags & ~(write_log_flush | write_log_fua | write_log_discard | write_log_mark))
      return error = log.string() + ": unknown flags in entry " + std::to_string(index), false;
    const bool has_data = (entry.flags & (write_log_discard | write_log_mark)) == 0;
    const std::uint64_t data_bytes = has_data ? entry.nr_sectors * sector_size : 0;
    if (entry.nr_sectors > log_size / sector_size || position + sector_size + data_bytes > log_size)
      return error = log.string() + ": truncated in the data of entry " + std::to_string(index), false;
    entries.push_back({entry, position + sector_size});
    position += sector_size + data_bytes;
    if (entry.flags & write_log_flush) {
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
    if (flags & ~(write_log_flush | write_log_fua | write_log_discard | write_log_mark) ||
        sectors > log_size / sector_size || position + sector_size + (has_data ? sectors * sector_size : 0) > log_size)
      break;  // cut off by the plug
    summary.writes_dropped += has_data && sectors > 0 ? 1 : 0;
    position += sector_size + (has_data ? sectors * sector_size : 0);
  }

  // Second pass: apply what a volatile cache cannot have lost.
  const Descriptor image_file{::open(image.c_str(), O_WRONLY | O_CLOEXEC)};
  if (image_file.fd < 0)
    return error = mbe::describe_error("open " + image.string(), mbe::last_error()), false;
  std::vector<char> data;
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const auto& [entry, data_offset] = entries[index];
    if (entry.flags & (write_log_discard | write_log_mark) || entry.nr_sectors == 0) continue;
    if (index >= last_flush && !(entry.flags & write_log_fua)) {
      ++summary.writes_dropped;
      continue;
    }
    data.resize(entry.nr_sectors * sector_size);
    if (!read_exactly(log_file.fd, data.data(), data.size(), data_offset) ||
        ::pwrite(image_file.fd, data.data(), data.size(), static_cast<off_t>(entry.sector * sector_size)) !=
            static_cast<ssize_t>(data.size()))
      return error = mbe::describe_error("replay write " + std::to_string(index), mbe::last_error()), false;
    ++summary.writes_replayed;
  }
  if (::fsync(image_file.fd) != 0)
    return error = mbe::describe_error("fsync " + image.string(), mbe::last_error()), false;
  return true;
}

}  // namespace ch07
