#include "plug_records.hpp"

#include <cstring>

#include "msync/crc32c.hpp"

namespace ch07 {

namespace {

std::uint32_t checksum_of(const PlugRecord& record) noexcept {
  constexpr std::size_t checked_from = offsetof(PlugRecord, sequence);
  const auto* bytes = reinterpret_cast<const std::byte*>(&record);
  return mbe::crc32c({bytes + checked_from, sizeof(PlugRecord) - checked_from});
}

}  // namespace

namespace {

constexpr WriterMode all_modes[] = {
    WriterMode::none,      WriterMode::ms_async,        WriterMode::ms_sync, WriterMode::fsync,
    WriterMode::fdatasync, WriterMode::sync_file_range, WriterMode::unmount};

}  // namespace

std::string_view mode_name(WriterMode mode) noexcept {
  switch (mode) {
    case WriterMode::none:
      return "none";
    case WriterMode::ms_async:
      return "ms_async";
    case WriterMode::ms_sync:
      return "ms_sync";
    case WriterMode::fsync:
      return "fsync";
    case WriterMode::fdatasync:
      return "fdatasync";
    case WriterMode::sync_file_range:
      return "sync_file_range";
    case WriterMode::unmount:
      return "unmount";
  }
  return "unknown";
}

std::optional<WriterMode> parse_mode(std::string_view name) noexcept {
  for (const WriterMode mode : all_modes)
    if (mode_name(mode) == name) return mode;
  return std::nullopt;
}

PlugRecord make_record(std::uint64_t sequence) noexcept {
  PlugRecord record{};
  record.marker = record_marker;
  record.sequence = sequence;
  for (std::uint64_t i = 0; i < std::size(record.payload); ++i)
    record.payload[i] = sequence * 0x9E37'79B9'7F4A'7C15 + i;
  record.checksum = checksum_of(record);
  return record;
}

bool holds_record(const PlugRecord& slot, std::uint64_t sequence) noexcept {
  const PlugRecord expected = make_record(sequence);
  return std::memcmp(&slot, &expected, sizeof expected) == 0;
}

Survivors count_survivors(std::span<const std::byte> file, std::uint64_t acknowledged) noexcept {
  Survivors result;
  result.acknowledged = acknowledged;
  const std::uint64_t slots = file.size() / sizeof(PlugRecord);
  for (std::uint64_t sequence = 1; sequence <= slots; ++sequence) {
    PlugRecord slot;
    std::memcpy(&slot, file.data() + (sequence - 1) * sizeof(PlugRecord), sizeof slot);
    const bool intact = holds_record(slot, sequence);
    if (sequence > acknowledged)
      result.unacknowledged += intact ? 1 : 0;
    else if (intact)
      ++result.survived;
    else if (result.first_lost == 0)
      result.first_lost = sequence;
  }
  if (result.first_lost == 0 && result.survived < acknowledged) result.first_lost = slots + 1;
  return result;
}

}  // namespace ch07
