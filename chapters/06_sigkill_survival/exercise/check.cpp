// Checks of the chapter 06 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run). A SIGKILL can land between any two stores of save(). The last checks do not wait for luck:
// they stop save() after each of its stores, for every store, and ask load() what a restarted
// process would find.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/mapped_file.hpp"
#include "store_by_store.hpp"

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
// What load() must find while generation @p saving is being saved over @p
// saving - 1: that one or the new one, whole. nullptr when it does.
const char* judge(const std::optional<ex06::Saved>& found, std::uint64_t saving) {
  static char complaint[256];
  if (!found) {
    if (saving == 1) return nullptr;  // nothing was ever saved before
    std::snprintf(
        complaint, sizeof complaint,
        "load found nothing while generation %llu was saved: save overwrote the slot of the newest "
        "generation",
        static_cast<unsigned long long>(saving - 1));
    return complaint;
  }
  if (found->generation == saving || found->generation + 1 == saving) {
    if (is_whole(*found)) return nullptr;
    std::snprintf(complaint, sizeof complaint,
                  "load accepted generation %llu before its payload was whole: the commit marker "
                  "(generation) "
                  "was stored before the payload and checksum",
                  static_cast<unsigned long long>(found->generation));
    return complaint;
  }
  std::snprintf(complaint, sizeof complaint,
                "load returned generation %llu while %llu was being saved over %llu: save "
                "overwrote the slot of "
                "the newest generation",
                static_cast<unsigned long long>(found->generation),
                static_cast<unsigned long long>(saving),
                static_cast<unsigned long long>(saving - 1));
  return complaint;
}
}  // namespace

TEST_CASE("load returns the newest saved generation") {
  MBE_HINTS("keep two slots: the newest generation stays untouched while the other one is written",
            "save writes the slot that does not hold the newest generation; load picks the highest "
            "valid one");
  auto state = std::make_unique<ex06::State>();
  CHECK_FALSE(ex06::load(*state).has_value());  // nothing saved yet
  for (std::uint64_t generation = 1; generation <= 5; ++generation) {
    ex06::save(*state, generation, payload_of(generation));
    const auto saved = ex06::load(*state);
    REQUIRE(saved.has_value());
    MBE_CATCHES(saved->generation == generation, "load did not return the newest generation");
    CHECK(is_whole(*saved));
  }
}

TEST_CASE("a damaged newest slot falls back to the previous generation") {
  MBE_HINTS("a slot counts only when it is committed and whole",
            "whole means: its checksum matches its payload");
  auto state = std::make_unique<ex06::State>();
  ex06::save(*state, 1, payload_of(1));
  ex06::save(*state, 2, payload_of(2));
  for (auto& slot : state->slots)  // damage generation 2's payload, as a lost page would
    if (slot.generation == 2) slot.payload.words[700] = 1;
  const auto saved = ex06::load(*state);
  REQUIRE(saved.has_value());
  MBE_CATCHES(saved->generation == 1,
              "load trusted a slot whose checksum does not match its payload");
  CHECK(is_whole(*saved));
}

TEST_CASE("a kill after any single store of save leaves this or the previous generation") {
  MBE_HINTS(
      "imagine the process killed between any two stores of save: what does load find in each "
      "slot?",
      "the slot being written must not look committed until its payload and checksum are complete",
      "mark the slot empty before its payload changes; store the generation last");
  if (!mbe::testing::can_step_stores()) MBE_SKIP("store-by-store stepping needs x86-64");
  mbe::testing::PageRegion region(sizeof(ex06::State));
  auto& state = region.object<ex06::State>();
  for (std::uint64_t generation = 1; generation <= 4; ++generation) {
    CAPTURE(generation);
    const auto payload = payload_of(generation);
    const auto stepped = mbe::testing::inspect_after_every_store(
        region.bytes(), [&] { ex06::save(state, generation, payload); },
        [&] { return judge(ex06::load(state), generation); });
    INFO("stores save() made: " << stepped.stores);
    REQUIRE_MESSAGE(stepped.trouble.empty(), stepped.trouble);
    MBE_REQUIRE_CATCHES(stepped.wrong_after == 0,
                        "stopped after store " << stepped.wrong_after << ": " << stepped.complaint);
    CHECK(stepped.stores > 0);
    ex06::save(state, generation, payload);  // the stepped save ran in a child: save for real
  }
}

TEST_CASE("SIGKILL at random moments never leaves a torn state") {
  MBE_HINTS("clear the slot's generation before touching its payload",
            "store the new generation last, with release ordering");
  ScratchDir dir;
  std::mt19937 random(std::random_device{}());
  for (int trial = 0; trial < 15; ++trial) {
    CAPTURE(trial);
    const auto path = dir.file("state" + std::to_string(trial));
    auto file = mbe::MappedFile::create(path, sizeof(ex06::State));
    const pid_t writer = mbe::testing::start_child([&] {
      auto& state = file.object<ex06::State>();
      for (std::uint64_t generation = 1;; ++generation)
        ex06::save(state, generation, payload_of(generation));
      return 0;
    });
    // Once generation 2 is being written, a whole generation 1 exists: from then on load() must
    // find one.
    const auto& shared = file.object<ex06::State>();
    auto newest = [&] {
      std::uint64_t generation = 0;
      for (const auto& slot : shared.slots)
        generation = std::max(generation,
                              std::atomic_ref(const_cast<std::uint64_t&>(slot.generation)).load());
      return generation;
    };
    auto writer_exited = [&] {  // WNOWAIT: look without reaping
      siginfo_t info{};
      return ::waitid(P_PID, static_cast<id_t>(writer), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
             info.si_pid != 0;
    };
    if (!mbe::testing::wait_until([&] { return newest() >= 2 || writer_exited(); }, 5000) ||
        newest() < 2) {
      ::kill(writer, SIGKILL);
      mbe::testing::wait_for(writer);
      FAIL("the writer never committed generation 2: does save() store the generation?");
    }
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution(0, 3000)(random)));
    ::kill(writer, SIGKILL);
    const auto result = mbe::testing::wait_for(writer);
    REQUIRE(result.signal == SIGKILL);  // the writer ran until killed (it did not throw)
    const auto saved = ex06::load(file.object<ex06::State>());
    REQUIRE(saved.has_value());
    MBE_CATCHES(is_whole(*saved), "a SIGKILL left a torn generation that load accepted");
  }
}
