// record_producer — write a stream of checksummed records into a new mapped
// file, publishing each one to readers in other processes.
//
// Usage: ch05_record_producer FILE [--records N] [--record-size BYTES]
//          [--durability none|record|group] [--group-records N] [--group-ms T]
//          [--interval-us U] [--acks]
//
// Creates FILE (it never overwrites one), then appends N records (default
// 1000). Each record is filled, then published by a release store of the
// header's counter; followers (ch05_record_consumer --follow) are woken by a
// futex. --durability says when records reach the disk: never (none), before
// each is published (record), or in groups (group, the default). With --acks
// it prints "ACK n" as soon as the first n records are durable by the mode's
// rules (for none: published), written with write(2) so a kill loses none.
// Ends with "produced=N record_size=S durability=D msync_calls=M futex_wake_calls=W".
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include "msync/cli.hpp"
#include "record_stream.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_producer FILE [--records N] [--record-size BYTES]\n"
    "         [--durability none|record|group] [--group-records N] [--group-ms T]\n"
    "         [--interval-us U] [--acks]\n"
    "  Creates FILE and appends N records (default 1000) of BYTES bytes (default 64,\n"
    "  a multiple of 8 from 32 to 1048576), one every U microseconds (default 0).\n"
    "  --durability: none | record (msync per record) | group (default: one msync\n"
    "  per N records (default 64) or T ms (default 10)). --acks prints \"ACK n\"\n"
    "  each time the first n records are durable by the mode's rules.\n";

// Unbuffered: an ACK printed before a SIGKILL has reached the reader.
void print_ack(std::uint64_t count) {
  mbe::print_line("ACK " + std::to_string(count));
}
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t records = 1000, record_size = 64, group_records = 64, group_ms = 10,
                interval_us = 0;
  const char* durability_text = "group";
  bool acks = false;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::number("--records", records, 1, ch05::max_capacity),
           mbe::Option::number("--record-size", record_size, 0, UINT32_MAX),
           mbe::Option::text("--durability", durability_text),
           mbe::Option::number("--group-records", group_records, 1, ch05::max_capacity),
           mbe::Option::number("--group-ms", group_ms, 0, 60'000),
           mbe::Option::number("--interval-us", interval_us, 0, 10'000'000),
           mbe::Option::toggle("--acks", acks)}))
    return *exit_status;
  const auto durability = ch05::parse_durability(durability_text);
  if (!durability) {
    std::cerr << "ch05_record_producer: --durability takes none, record or group, not \""
              << durability_text << "\"\n";
    return 2;
  }
  if (auto why = ch05::why_bad_record_size(record_size); !why.empty()) {
    std::cerr << "ch05_record_producer: --record-size: " << why << '\n';
    return 2;
  }

  try {
    ch05::ProducerOptions options;
    options.capacity = static_cast<std::uint32_t>(records);
    options.record_size = static_cast<std::uint32_t>(record_size);
    options.durability = *durability;
    options.group_records = static_cast<std::uint32_t>(group_records);
    options.group_ms = static_cast<std::uint32_t>(group_ms);
    if (acks) options.on_acknowledged = print_ack;
    auto producer = ch05::RecordProducer::create(path, options);
    for (std::uint64_t i = 0; i < records; ++i) {
      producer.append();
      if (interval_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(interval_us));
    }
    producer.finish();
    std::cout << "produced=" << producer.published() << " record_size=" << record_size
              << " durability=" << ch05::durability_name(*durability)
              << " msync_calls=" << producer.sync_calls()
              << " futex_wake_calls=" << producer.wake_calls() << '\n';
  } catch (const std::exception& error) {
    std::cerr << "ch05_record_producer: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
