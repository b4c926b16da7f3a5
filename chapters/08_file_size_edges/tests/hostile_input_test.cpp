// Chapter 08 claims on hostile input: replace_durably replaces regular files
// only, and a replacement that fails half-way leaves FILE as it was and no
// FILE.new behind, naming the call with its own errno.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

TEST_CASE(
    "replace_durably under a file-size limit names write EFBIG and leaves FILE and no FILE.new") {
  if (!std::filesystem::exists("/usr/bin/prlimit")) MBE_SKIP("needs /usr/bin/prlimit (util-linux)");
  ScratchDir dir;
  const auto file = dir.file("config");
  mbe::testing::write_file(file, "old contents");
  const auto result = run_program({"/usr/bin/prlimit", "--fsize=1000", MBE_PROGRAM_REPLACE_DURABLY,
                                   file.string(), std::string(2000, 'n')});
  CHECK(result.signal == 0);
  CHECK(result.exited_with(1));  // not 128 + SIGXFSZ
  CHECK(result.err == "write " + file.string() + ".new: EFBIG (File too large)\n");
  CHECK(mbe::testing::read_file(file) == "old contents");
  CHECK_FALSE(std::filesystem::exists(file.string() + ".new"));
}

TEST_CASE("replace_durably leaves a FIFO named FILE alone") {
  ScratchDir dir;
  const auto fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto result = run_program({MBE_PROGRAM_REPLACE_DURABLY, fifo.string(), "text"});
  CHECK(result.exited_with(1));
  CHECK(result.err ==
        "ch08_replace_durably: " + fifo.string() + ": not a regular file; nothing replaced\n");
  CHECK(std::filesystem::is_fifo(fifo));
  CHECK_FALSE(std::filesystem::exists(fifo.string() + ".new"));
}
