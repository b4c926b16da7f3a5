// The record file of chapter 05: a header, then fixed-size records.
//
//   offset 0            64           64 + R        64 + 2R
//   | FileHeader (64 B) | record 0 (R) | record 1 (R) | ... | record capacity-1 |
//
// The layout is the file format: fixed-width little-endian fields, no
// pointers. The producer fills record n, then publishes it by advancing
// `committed` with a release store; readers load `committed` with acquire and
// never read a record at or past it. Each record carries its own sequence
// number and CRC-32C, so a reader can tell a good record from a torn or stale
// one without trusting the counter (after a power loss the counter may have
// reached the disk before the records it counts; see record_recover.cpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

namespace ch05 {

// [layout]
struct FileHeader {
  std::uint64_t magic;        // file_magic: "is this a record file?"
  std::uint32_t version;      // file_version: "can this program read it?"
  std::uint32_t record_size;  // bytes per record: a multiple of 8, at least 32
  std::uint32_t capacity;     // record slots after the header
  std::uint32_t header_crc;   // CRC-32C of the four fields above; they never change
  std::uint32_t committed;    // records published: written with release, read with acquire
  std::uint32_t finished;     // 1 once the producer has published its last record
  std::uint32_t wake_word;    // the futex word: bit 0 "a follower sleeps", bits 1-31 a generation
  std::uint8_t reserved[28];  // zero; pads the header to 64 bytes
};

struct RecordHeader {          // at the start of every record, then the payload
  std::uint64_t sequence;      // the record's index: catches a record in the wrong slot
  std::uint64_t written_ns;    // CLOCK_MONOTONIC when filled: for latency measurements
  std::uint32_t payload_size;  // record_size - sizeof(RecordHeader)
  std::uint32_t crc;           // CRC-32C of the record without this field
};
// [layout]
static_assert(std::is_trivially_copyable_v<FileHeader> && sizeof(FileHeader) == 64);
static_assert(std::is_trivially_copyable_v<RecordHeader> && sizeof(RecordHeader) == 24);

inline constexpr std::uint64_t file_magic = 0x3143'4552'2D45'424D;  // "MBE-REC1" in the file
inline constexpr std::uint32_t file_version = 1;
inline constexpr std::uint32_t min_record_size = 32;
inline constexpr std::uint32_t max_record_size = 1U << 20;
inline constexpr std::uint32_t max_capacity = 1U << 30;

/// Byte offset of record @p index.
constexpr std::size_t record_offset(std::uint64_t index, std::uint32_t record_size) {
  return sizeof(FileHeader) + index * record_size;
}
/// Size of a file holding @p capacity records of @p record_size bytes.
constexpr std::size_t file_size_for(std::uint32_t capacity, std::uint32_t record_size) {
  return record_offset(capacity, record_size);
}

/// Why @p record_size cannot be used, or "" if it can.
std::string why_bad_record_size(std::uint64_t record_size);

/// A header for a new, empty file (committed = 0, finished = 0).
FileHeader make_header(std::uint32_t capacity, std::uint32_t record_size);

/// Why the first bytes of @p file are not a header this program can use, or "".
/// Checks, in this order: size, magic, version, checksum, record size,
/// capacity against the file size, and the counter against the capacity.
std::string why_not_a_record_file(std::span<const std::byte> file);

/// Copies the header of @p file into @p header once and checks that copy as
/// why_not_a_record_file() does. A reader then trusts the copy's record size
/// and capacity, never the file's, which another process may rewrite at any
/// moment: validating the file and then reading its fields again would let a
/// rewrite in between send the reader outside the mapping.
std::string read_header(std::span<const std::byte> file, FileHeader& header);

/// Why the fields of @p file's header that never change (magic, version,
/// record size, capacity, checksum) differ from @p trusted, or "": a follower
/// checks it each time it wakes.
std::string why_header_changed(std::span<const std::byte> file, const FileHeader& trusted);

/// Fills the record in @p slot (record_size bytes) with sequence @p index, its
/// payload pattern and, last, its checksum.
void fill_record(std::span<std::byte> slot, std::uint64_t index, std::uint64_t written_ns);

/// Why the record in @p slot is not a valid record number @p index, or "".
std::string why_bad_record(std::span<const std::byte> slot, std::uint64_t index);

/// True when the payload of a valid record is the producer's pattern for its
/// index: a check that does not rely on the checksum.
bool payload_matches_pattern(std::span<const std::byte> slot, std::uint64_t index);

/// The header's published-record counter, read with acquire: every record
/// below the value it returns is completely written.
inline std::uint32_t load_committed(const FileHeader& header) {
  // atomic_ref needs a non-const object; a load never writes, so a read-only mapping is fine.
  return std::atomic_ref(const_cast<std::uint32_t&>(header.committed))
      .load(std::memory_order_acquire);
}
inline bool load_finished(const FileHeader& header) {
  return std::atomic_ref(const_cast<std::uint32_t&>(header.finished))
             .load(std::memory_order_acquire) != 0;
}

/// What a scan of a record file found.
struct ScanReport {
  std::string header_problem;  ///< "" when the header is valid; then nothing else is set
  std::uint32_t record_size = 0;
  std::uint32_t capacity = 0;
  std::uint32_t committed = 0;  ///< the header's counter
  bool finished = false;
  std::uint64_t valid = 0;              ///< committed records that passed, before the first bad one
  std::string first_bad;                ///< "record 5: bad checksum", or "" when all passed
  std::uint64_t unpublished_valid = 0;  ///< valid records after the committed ones (not published)
  bool torn_after = false;  ///< the slot after the last valid one was started, not finished
  std::uint64_t pattern_mismatch =
      0;  ///< valid records whose payload is not the producer's pattern
};

/// The recovery scan: validates the header, then each committed record in
/// order, and stops at the first bad one. With @p look_past_committed it also
/// reports what lies after the committed records (use it only when no
/// producer is running: those slots may be being written).
/// @p file must be 8-byte aligned (a mapping is).
ScanReport scan_records(std::span<const std::byte> file, bool look_past_committed);

}  // namespace ch05
