// Checks of the chapter 06 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <thread>

#include "exercise.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

namespace {
ex06::Payload payload_of(std::uint64_t generation) {
  ex06::Payload payload{};
  for (auto& word : payload.words) word = generation;
  return payload;
}
bool is_whole(const ex06::Saved& saved) {
  for (const auto word : saved.payload.words)
    if (word != saved.generation) return false;
  return true;
}
}  // namespace

TEST_CASE("load returns the newest saved generation") {
  MBE_HINT("keep two slots; save writes the one that does not hold the newest generation");
  auto state = std::make_unique<ex06::State>();
  CHECK_FALSE(ex06::load(*state).has_value());  // nothing saved yet
  for (std::uint64_t generation = 1; generation <= 5; ++generation) {
    ex06::save(*state, generation, payload_of(generation));
    const auto saved = ex06::load(*state);
    REQUIRE(saved.has_value());
    CHECK(saved->generation == generation);
    CHECK(is_whole(*saved));
  }
}

TEST_CASE("a damaged newest slot falls back to the previous generation") {
  MBE_HINT("a slot counts only when it is committed (generation != 0) and its checksum matches");
  auto state = std::make_unique<ex06::State>();
  ex06::save(*state, 1, payload_of(1));
  ex06::save(*state, 2, payload_of(2));
  for (auto& slot : state->slots)  // damage generation 2's payload, as a lost page would
    if (slot.generation == 2) slot.payload.words[700] = 1;
  const auto saved = ex06::load(*state);
  REQUIRE(saved.has_value());
  CHECK(saved->generation == 1);
  CHECK(is_whole(*saved));
}

TEST_CASE("SIGKILL at random moments never leaves a torn state") {
  MBE_HINT("clear the slot's generation before touching its payload, and store the new generation last (release)");
  ScratchDir dir;
  std::mt19937 random(std::random_device{}());
  for (int trial = 0; trial < 15; ++trial) {
    CAPTURE(trial);
    const auto path = dir.file("state" + std::to_string(trial));
    auto file = mbe::MappedFile::create(path, sizeof(ex06::State));
    const pid_t writer = mbe::testing::start_child([&] {
      auto& state = file.object<ex06::State>();
      for (std::uint64_t generation = 1;; ++generation) ex06::save(state, generation, payload_of(generation));
      return 0;
    });
    // Once generation 2 is being written, a whole generation 1 exists: from then on load() must find one.
    const auto& shared = file.object<ex06::State>();
    auto newest = [&] {
      std::uint64_t generation = 0;
      for (const auto& slot : shared.slots)
        generation = std::max(generation, std::atomic_ref(const_cast<std::uint64_t&>(slot.generation)).load());
      return generation;
    };
    auto writer_exited = [&] {  // WNOWAIT: look without reaping
      siginfo_t info{};
      return ::waitid(P_PID, static_cast<id_t>(writer), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
    };
    if (!mbe::testing::wait_until([&] { return newest() >= 2 || writer_exited(); }, 5000) || newest() < 2) {
      ::kill(writer, SIGKILL);
      mbe::testing::wait_for(writer);
      FAIL("the writer never committed generation 2: does save() store the generation?");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution(0, 3000)(random)));
    ::kill(writer, SIGKILL);
    const auto result = mbe::testing::wait_for(writer);
    REQUIRE(result.signal == SIGKILL);  // the writer ran until killed (it did not throw)
    const auto saved = ex06::load(file.object<ex06::State>());
    REQUIRE(saved.has_value());
    CHECK(is_whole(*saved));
  }
}
