// Chapter 05 claims about waking followers: only a follower that announced
// its sleep costs the producer a FUTEX_WAKE, and no wake-up is ever lost.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "record_stream.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("the producer makes no FUTEX_WAKE when nobody waits - the old way makes one per record") {
  ScratchDir dir;
  for (const auto policy : {ch05::WakePolicy::sleepers_only, ch05::WakePolicy::every_record}) {
    ch05::ProducerOptions options;
    options.capacity = 1000;
    options.durability = ch05::Durability::none;
    options.wake = policy;
    auto producer = ch05::RecordProducer::create(
        dir.file(std::string(ch05::wake_policy_name(policy))), options);
    for (int i = 0; i < 1000; ++i) producer.append();
    producer.finish();
    CAPTURE(ch05::wake_policy_name(policy));
    CHECK(producer.wake_calls() == (policy == ch05::WakePolicy::sleepers_only ? 0U : 1001U));
  }
}

// Ping-pong: the producer appends a record only once the follower has seen the
// previous one, after a random pause of 0 to 1 µs, so its publish lands
// anywhere along the follower's way to sleep (checked, announced, re-checked,
// in FUTEX_WAIT) — the moments a lost wake-up would happen. A lost one leaves the
// follower asleep until its futex timeout: the test counts such a wait as
// lost and stops there, so it fails (never hangs) if a wake-up is lost.
TEST_CASE("a follower on its way to sleep is always woken - ping-pong never loses a wake-up") {
  ScratchDir dir;
  constexpr std::uint32_t rounds = 100'000;
  // A round takes microseconds; 5 s leaves room for a woken follower that waits
  // for a CPU under a sanitizer on a busy machine.
  constexpr auto lost_after = std::chrono::seconds(5);
  ch05::ProducerOptions options;
  options.capacity = rounds;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(dir.file("stream"), options);
  // The follower sets the sleeper bit: it shares the producer's writable mapping.
  auto& header = const_cast<ch05::FileHeader&>(producer.file().object<ch05::FileHeader>());
  std::atomic<std::uint64_t> seen{0};
  std::atomic<bool> lost{false};
  std::thread follower([&] {
    std::uint64_t mine = 0;
    while (mine < rounds && !lost.load()) {
      const auto before = std::chrono::steady_clock::now();
      const auto result = ch05::wait_for_records(header, mine, lost_after * 2);
      if (std::chrono::steady_clock::now() - before >= lost_after ||
          result != ch05::WaitResult::more_records) {
        lost.store(true);  // asleep with a record waiting: the wake-up was lost
        break;
      }
      mine = ch05::load_committed(header);
      seen.store(mine);
    }
  });
  std::uint32_t published = 0;
  std::uint64_t random = 88172645463325252ULL;  // xorshift64: a pause per round
  for (; published < rounds && !lost.load(); ++published) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    const auto pause_until = ch05::monotonic_ns() + random % 1000;
    while (ch05::monotonic_ns() < pause_until) {
    }
    producer.append();
    while (seen.load() <= published && !lost.load()) {
    }  // spinning, not yielding: the next publish comes within a microsecond
  }
  follower.join();
  std::printf("rounds=%u wake_calls=%llu\n", published,
              static_cast<unsigned long long>(producer.wake_calls()));
  CHECK_FALSE(lost.load());
  CHECK(published == rounds);
  CHECK(producer.wake_calls() > 0);  // the follower did sleep: the test exercised the handshake
  producer.finish();
}
