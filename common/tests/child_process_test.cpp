// Checks of msync/child_process.hpp: a child's output lands in the file, its
// status comes back whole, and each failure names its call and errno.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msync/child_process.hpp"
#include "msync/errors.hpp"
#include "testing.hpp"

TEST_CASE("a child started with its output in a file is waited for with its exit status") {
  mbe::testing::ScratchDir dir;
  const auto output = dir.file("output.txt");
  // Standard input is /dev/null: `cat` ends at once instead of waiting on ours.
  const int status = mbe::wait_status(
      mbe::spawn_with_output({"/bin/sh", "-c", "cat; echo out; echo err >&2; exit 3"}, output),
      "sh");
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(mbe::read_all(output) == "out\nerr\n");
  struct stat info {};
  REQUIRE(::stat(output.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("a child started with a pipe as its input reads what was written to the pipe") {
  mbe::testing::ScratchDir dir;
  const auto output = dir.file("output.txt");
  int input[2];
  REQUIRE(::pipe2(input, O_CLOEXEC) == 0);
  REQUIRE(::write(input[1], "typed\n", 6) == 6);
  ::close(input[1]);  // the child reads the line, then the end of its input
  const pid_t child = mbe::spawn_with_output({"/bin/sh", "-c", "cat"}, output, input[0]);
  ::close(input[0]);
  const int status = mbe::wait_status(child, "sh");
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(mbe::read_all(output) == "typed\n");
}

TEST_CASE("a child killed by a signal is reported as signalled") {
  mbe::testing::ScratchDir dir;
  const int status = mbe::wait_status(
      mbe::spawn_with_output({"/bin/sh", "-c", "kill -9 $$"}, dir.file("output.txt")), "sh");
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

TEST_CASE("child process failures name the call and the errno") {
  mbe::testing::ScratchDir dir;
  try {
    mbe::spawn_with_output({"/nonexistent/program"}, dir.file("output.txt"));
    FAIL("spawn_with_output returned");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) ==
          "posix_spawn /nonexistent/program: ENOENT (No such file or directory)");
  }
  try {
    mbe::spawn_with_output({"/bin/true"}, dir.file("missing-directory/output.txt"));
    FAIL("spawn_with_output returned");
  } catch (const mbe::Error& error) {
    CHECK(error.code() == std::errc::no_such_file_or_directory);
    CHECK(std::string(error.what()).rfind("open ", 0) == 0);
  }
  try {
    mbe::wait_status(::getpid(), "myself");  // not a child of ours
    FAIL("wait_status returned");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) == "waitpid myself: ECHILD (No child processes)");
  }
  CHECK(mbe::read_all(dir.file("never-written.txt")).empty());
}
