// Chapter 05 claim: a follower survives whatever another process does to the
// file it follows — shrinks it, rewrites the header's fixed fields, pushes the
// counter past the capacity — with a message and exit status 1: never a
// signal, never a read outside the mapping, never a record that does not exist.
#include <doctest/doctest.h>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>
#include <string>

#include "msync/mapped_file.hpp"
#include "record_format.hpp"
#include "record_stream.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::ScratchDir;

namespace {

// What a hostile (or buggy) second writer does to the header: change it as
// told, then publish as a producer would, so that a follower wakes at once.
void rewrite_header(const std::filesystem::path& path,
                    const std::function<void(ch05::FileHeader&)>& change) {
  auto file = mbe::MappedFile::open(path);
  auto& header = file.object<ch05::FileHeader>();
  change(header);
  std::atomic_ref(header.wake_word).fetch_add(1, std::memory_order_release);
  ::syscall(SYS_futex, &header.wake_word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

// A file with room for 8 records of @p record_size bytes, 2 of them published,
// and a consumer following it that has read both. Returns the consumer's pid.
pid_t follow_two_records(const ScratchDir& dir, std::uint32_t record_size) {
  ch05::ProducerOptions options;
  options.capacity = 8;
  options.record_size = record_size;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(dir.file("stream.rec"), options);
  producer.append();
  producer.append();
  const pid_t consumer =
      mbe::testing::spawn_program({MBE_PROGRAM_RECORD_CONSUMER, dir.file("stream.rec").string(),
                                   "--follow", "--print", "--idle-timeout-ms", "20000"},
                                  dir.file("consumer.out"));
  REQUIRE(mbe::testing::wait_until(
      [&] { return contains(mbe::testing::read_file(dir.file("consumer.out")), "record 1 ok"); }));
  return consumer;
}

std::string consumer_output(const ScratchDir& dir) {
  return mbe::testing::read_file(dir.file("consumer.out"));
}

}  // namespace

TEST_CASE("a follower whose file shrinks under it ends with a message and status 1 - not SIGBUS") {
  ScratchDir dir;
  const pid_t consumer = follow_two_records(dir, 4096);  // record n on page n + 1 and n + 2
  REQUIRE(::truncate(dir.file("stream.rec").c_str(), 4096) == 0);  // only the header's page is left
  rewrite_header(dir.file("stream.rec"), [](ch05::FileHeader& header) {
    std::atomic_ref(header.committed).store(4, std::memory_order_release);
  });
  const auto result = mbe::testing::wait_for(consumer);
  CHECK(result.signal == 0);
  CHECK(result.exited_with(1));
  const auto output = consumer_output(dir);
  CHECK(contains(output, "ch05_record_consumer: " + dir.file("stream.rec").string() +
                             ": the file shrank under its mapping (SIGBUS reading past its end)"));
  CHECK_FALSE(contains(output, "record 2"));
}

TEST_CASE(
    "a follower whose header's record size is rewritten stops - never reads with the new size") {
  ScratchDir dir;
  const pid_t consumer = follow_two_records(dir, 64);
  // A consistent header (valid checksum) with records of 1 MiB: read with it,
  // record 2 would lie 2 MiB into a file of 576 bytes.
  rewrite_header(dir.file("stream.rec"), [](ch05::FileHeader& header) {
    const auto forged = ch05::make_header(8, ch05::max_record_size);
    header.record_size = forged.record_size;
    header.header_crc = forged.header_crc;
    std::atomic_ref(header.committed).store(3, std::memory_order_release);
  });
  const auto result = mbe::testing::wait_for(consumer);
  CHECK(result.signal == 0);
  CHECK(result.exited_with(1));
  const auto output = consumer_output(dir);
  CHECK(contains(
      output, "the header was rewritten while the file was being read (record size 64 -> 1048576"));
  CHECK_FALSE(contains(output, "record 2"));
}

TEST_CASE("a follower whose counter and capacity grow together stops at the capacity it checked") {
  ScratchDir dir;
  const pid_t consumer = follow_two_records(dir, 64);
  rewrite_header(dir.file("stream.rec"), [](ch05::FileHeader& header) {
    const auto forged = ch05::make_header(ch05::max_capacity, 64);
    header.capacity = forged.capacity;
    header.header_crc = forged.header_crc;
    std::atomic_ref(header.committed).store(1000, std::memory_order_release);
  });
  const auto result = mbe::testing::wait_for(consumer);
  CHECK(result.signal == 0);
  CHECK(result.exited_with(1));
  const auto output = consumer_output(dir);
  CHECK(contains(output, "capacity 8 -> 1073741824"));
  CHECK_FALSE(contains(output, "record 8"));  // no message about a record that does not exist
}

TEST_CASE("a follower whose counter runs past the capacity names the counter - not a record") {
  ScratchDir dir;
  const pid_t consumer = follow_two_records(dir, 64);
  rewrite_header(dir.file("stream.rec"), [](ch05::FileHeader& header) {
    std::atomic_ref(header.committed).store(9, std::memory_order_release);
  });
  const auto result = mbe::testing::wait_for(consumer);
  CHECK(result.exited_with(1));
  const auto output = consumer_output(dir);
  CHECK(contains(output, "the counter (9) passed the capacity (8)"));
  CHECK_FALSE(contains(output, "record 2"));
}

TEST_CASE("the recovery scan uses the header it checked - a forged record size cannot move it") {
  // scan_records on bytes whose header is consistent but claims more than the
  // bytes hold is refused; the scan never reads past the span (ASan would say).
  ScratchDir dir;
  ch05::ProducerOptions options;
  options.capacity = 4;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(dir.file("f"), options);
  for (int i = 0; i < 4; ++i) producer.append();
  auto bytes = mbe::testing::read_file(dir.file("f"));
  const auto forged = ch05::make_header(4, 4096);
  std::memcpy(bytes.data() + offsetof(ch05::FileHeader, record_size), &forged.record_size, 4);
  std::memcpy(bytes.data() + offsetof(ch05::FileHeader, header_crc), &forged.header_crc, 4);
  std::vector<std::uint64_t> aligned((bytes.size() + 7) / 8);
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  const auto report =
      ch05::scan_records(std::as_bytes(std::span(aligned)).first(bytes.size()), true);
  CHECK(contains(report.header_problem, "file is shorter than its header says"));
  CHECK(report.valid == 0);
}
