// Validation, filling and the recovery scan of chapter 05's record file.
#include "record_format.hpp"

#include <cstring>

#include "msync/crc32c.hpp"

namespace ch05 {
namespace {
// The checksum covers the record except its crc field (offset 20, 4 bytes).
std::uint32_t record_checksum(std::span<const std::byte> slot) {
  constexpr std::size_t crc_offset = offsetof(RecordHeader, crc);
  const std::uint32_t head = mbe::crc32c(slot.first(crc_offset));
  return mbe::crc32c(slot.subspan(sizeof(RecordHeader)), head);
}

std::uint32_t header_checksum(const FileHeader& header) {
  return mbe::crc32c(std::as_bytes(std::span(&header, 1)).first(offsetof(FileHeader, header_crc)));
}

// The producer's payload: a pseudo-random stream seeded by the index
// (splitmix64), so any byte from a different record or a stale slot shows.
std::uint64_t pattern_word(std::uint64_t index, std::uint64_t word) {
  std::uint64_t z = index * 0x9E37'79B9'7F4A'7C15ULL + word + 1;
  z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBULL;
  return z ^ (z >> 31);
}

RecordHeader header_of(std::span<const std::byte> slot) {
  RecordHeader record{};
  std::memcpy(&record, slot.data(), sizeof record);
  return record;
}

bool is_all_zero(std::span<const std::byte> bytes) {
  for (const std::byte byte : bytes)
    if (byte != std::byte{0}) return false;
  return true;
}
}  // namespace

std::string why_bad_record_size(std::uint64_t record_size) {
  if (record_size < min_record_size || record_size > max_record_size || record_size % 8 != 0)
    return "record size " + std::to_string(record_size) + " is not a multiple of 8 between " +
           std::to_string(min_record_size) + " and " + std::to_string(max_record_size);
  return "";
}

FileHeader make_header(std::uint32_t capacity, std::uint32_t record_size) {
  FileHeader header{};
  header.magic = file_magic;
  header.version = file_version;
  header.record_size = record_size;
  header.capacity = capacity;
  header.header_crc = header_checksum(header);
  return header;
}

std::string why_not_a_record_file(std::span<const std::byte> file) {
  FileHeader header{};
  return read_header(file, header);
}

std::string why_header_changed(std::span<const std::byte> file, const FileHeader& trusted) {
  FileHeader now{};
  std::memcpy(&now, file.data(), sizeof now);  // file holds a header: it was checked before
  if (now.magic != trusted.magic || now.version != trusted.version ||
      now.record_size != trusted.record_size || now.capacity != trusted.capacity ||
      now.header_crc != trusted.header_crc)
    return "the header was rewritten while the file was being read (record size " +
           std::to_string(trusted.record_size) + " -> " + std::to_string(now.record_size) +
           ", capacity " + std::to_string(trusted.capacity) + " -> " +
           std::to_string(now.capacity) + ")";
  return "";
}

std::string read_header(std::span<const std::byte> file, FileHeader& header) {
  if (file.size() < sizeof(FileHeader))
    return "file is too short for a header: " + std::to_string(file.size()) + " bytes, need " +
           std::to_string(sizeof(FileHeader));
  std::memcpy(&header, file.data(),
              sizeof header);  // one copy: every check below and every later use
  if (header.magic != file_magic) return "not a record file (wrong magic number)";
  if (header.version != file_version)
    return "unsupported version " + std::to_string(header.version) +
           " (this program reads version " + std::to_string(file_version) + ")";
  if (header.header_crc != header_checksum(header)) return "corrupt header (checksum mismatch)";
  if (auto why = why_bad_record_size(header.record_size); !why.empty())
    return "corrupt header: " + why;
  if (header.capacity > max_capacity)
    return "corrupt header: capacity " + std::to_string(header.capacity) + " is over the limit";
  if (const auto needed = file_size_for(header.capacity, header.record_size); file.size() < needed)
    return "file is shorter than its header says: " + std::to_string(file.size()) + " bytes, " +
           std::to_string(header.capacity) + " records need " + std::to_string(needed);
  if (header.committed > header.capacity)
    return "corrupt header: " + std::to_string(header.committed) +
           " records committed, but room for " + std::to_string(header.capacity);
  return "";
}

void fill_record(std::span<std::byte> slot, std::uint64_t index, std::uint64_t written_ns) {
  RecordHeader record{};
  record.sequence = index;
  record.written_ns = written_ns;
  record.payload_size = static_cast<std::uint32_t>(slot.size() - sizeof(RecordHeader));
  std::memcpy(slot.data(), &record, sizeof record);  // crc still 0: a kill now leaves it invalid
  auto payload = slot.subspan(sizeof(RecordHeader));
  for (std::size_t word = 0; word * 8 < payload.size(); ++word) {
    const std::uint64_t value = pattern_word(index, word);
    std::memcpy(payload.data() + word * 8, &value, 8);  // payload sizes are multiples of 8
  }
  record.crc = record_checksum(slot);
  std::memcpy(slot.data() + offsetof(RecordHeader, crc), &record.crc, sizeof record.crc);
}

std::string why_bad_record(std::span<const std::byte> slot, std::uint64_t index) {
  const std::string name = "record " + std::to_string(index);
  const RecordHeader record = header_of(slot);
  if (is_all_zero(slot)) return name + ": never written (all zero)";
  if (record.crc != record_checksum(slot)) return name + ": bad checksum";
  // The checksum passed: the record is what some producer wrote, but is it this one?
  if (record.sequence != index)
    return name + ": holds sequence number " + std::to_string(record.sequence);
  if (record.payload_size != slot.size() - sizeof(RecordHeader))
    return name + ": payload size " + std::to_string(record.payload_size) +
           " does not fit the record";
  return "";
}

bool payload_matches_pattern(std::span<const std::byte> slot, std::uint64_t index) {
  auto payload = slot.subspan(sizeof(RecordHeader));
  for (std::size_t word = 0; word * 8 < payload.size(); ++word) {
    const std::uint64_t expected = pattern_word(index, word);
    if (std::memcmp(payload.data() + word * 8, &expected, 8) != 0) return false;
  }
  return true;
}

// [scan]
ScanReport scan_records(std::span<const std::byte> file, bool look_past_committed) {
  ScanReport report;
  FileHeader trusted{};  // record size and capacity come from this checked copy only
  report.header_problem = read_header(file, trusted);
  if (!report.header_problem.empty()) return report;
  const auto& header = *reinterpret_cast<const FileHeader*>(file.data());
  report.record_size = trusted.record_size;
  report.capacity = trusted.capacity;
  report.committed = load_committed(header);  // acquire: records below it are complete
  report.finished = load_finished(header);
  if (report.committed > report.capacity) {  // changed since the check: not a producer of ours
    report.header_problem = "corrupt header: the counter passed the capacity";
    return report;
  }
  auto slot = [&](std::uint64_t index) {
    return file.subspan(record_offset(index, report.record_size), report.record_size);
  };
  for (; report.valid < report.committed; ++report.valid) {
    if (auto why = why_bad_record(slot(report.valid), report.valid); !why.empty()) {
      report.first_bad = why;  // stop: nothing after a bad record can be trusted
      return report;
    }
    if (!payload_matches_pattern(slot(report.valid), report.valid)) ++report.pattern_mismatch;
  }
  if (!look_past_committed) return report;
  // Past the counter: records written but not yet published, then maybe one torn slot.
  std::uint64_t index = report.committed;
  while (index < report.capacity && why_bad_record(slot(index), index).empty()) {
    ++report.unpublished_valid;
    ++index;
  }
  report.torn_after = index < report.capacity && !is_all_zero(slot(index));
  return report;
}
// [scan]

}  // namespace ch05
