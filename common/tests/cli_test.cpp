// Checks of the command-line parser every chapter program uses.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "msync/cli.hpp"
#include "testing.hpp"

namespace {
struct Parsed {
  std::optional<int> exit_status;
  const char* operand = nullptr;
  std::uint64_t pages = 8;
  std::string note;
  bool quick = false;
};

Parsed parse(std::vector<std::string> words) {
  words.insert(words.begin(), "/bin/prog");
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  Parsed parsed;
  const char* note = nullptr;
  parsed.exit_status = mbe::parse_command_line(
      static_cast<int>(argv.size()), argv.data(), "usage: prog FILE\n", {&parsed.operand, 1},
      {mbe::Option::number("--pages", parsed.pages, 1, 100), mbe::Option::text("--note", note),
       mbe::Option::toggle("--quick", parsed.quick)});
  // The parser points into argv, whose storage dies with `words`: copy or mark.
  if (note != nullptr) parsed.note = note;
  if (parsed.operand != nullptr) parsed.operand = "set";
  return parsed;
}
}  // namespace

TEST_CASE("parse_number accepts whole numbers in range only") {
  CHECK(mbe::parse_number("42") == 42U);
  CHECK(mbe::parse_number("0", 1) == std::nullopt);
  CHECK(mbe::parse_number("101", 0, 100) == std::nullopt);
  CHECK(mbe::parse_number("-1") == std::nullopt);
  CHECK(mbe::parse_number("12x") == std::nullopt);
  CHECK(mbe::parse_number("") == std::nullopt);
  CHECK(mbe::parse_number("99999999999999999999999") == std::nullopt);
}

TEST_CASE("parse_command_line reads operands and options in any order") {
  const auto parsed = parse({"--pages", "7", "file", "--note", "hi", "--quick"});
  CHECK_FALSE(parsed.exit_status);
  CHECK(parsed.operand != nullptr);
  CHECK(parsed.pages == 7);
  CHECK(parsed.note == "hi");
  CHECK(parsed.quick);
  CHECK(parse({"file"}).pages == 8);  // default kept
}

TEST_CASE("parse_command_line answers help with 0 and usage errors with 2") {
  CHECK(parse({"--help"}).exit_status == 0);
  CHECK(parse({"file", "-h"}).exit_status == 0);
  CHECK(parse({}).exit_status == 2);                        // missing operand
  CHECK(parse({"a", "b"}).exit_status == 2);                // one too many
  CHECK(parse({"a", "--pages"}).exit_status == 2);          // no value
  CHECK(parse({"a", "--pages", "0"}).exit_status == 2);     // out of range
  CHECK(parse({"a", "--pages", "ten"}).exit_status == 2);   // not a number
  CHECK(parse({"a", "--colour", "red"}).exit_status == 2);  // unknown option
}

TEST_CASE("print_line leaves the process at once and whole - stdio's buffer dies with a SIGKILL") {
  mbe::testing::ScratchDir dir;
  const auto output = dir.file("stdout");
  const auto child = mbe::testing::run_in_child([&] {
    const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0) return 1;
    mbe::print_line("ACK 1");
    std::printf("ACK 2 through stdio\n");  // a file is fully buffered: still in the process
    mbe::print_line("ACK 3");
    ::kill(::getpid(), SIGKILL);
    return 2;
  });
  CHECK(child.signal == SIGKILL);
  CHECK(mbe::testing::read_file(output) == "ACK 1\nACK 3\n");
}
