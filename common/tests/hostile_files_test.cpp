// Hostile files against the helper: what is not a regular file is refused at
// once (a FIFO is never waited on), a failure names the call that failed,
// created files are never group- or world-writable, and a size over
// RLIMIT_FSIZE is an EFBIG error, not a SIGXFSZ death.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"
#include "msync/shrink_guard.hpp"
#include "testing.hpp"

using mbe::MappedFile;
using mbe::MappedFileError;
using mbe::testing::ScratchDir;

namespace {

// Runs @p body in a child that SIGALRM kills after 5 s: a hang fails the check instead of the
// suite.
mbe::testing::ProcessResult within_five_seconds(const std::function<int()>& body) {
  return mbe::testing::run_in_child([&] {
    ::alarm(5);
    return body();
  });
}

// 0 when MappedFile::open (both access modes) and open_regular_file refuse @p path
// with @p expected, naming @p call; a distinct non-zero code per wrong answer.
int refused(const std::filesystem::path& path, std::error_code expected, const std::string& call) {
  for (auto access : {mbe::Access::read_only, mbe::Access::read_write}) {
    mbe::Failure failure;
    const auto file = MappedFile::open(path, failure, access);
    if (file.is_mapped()) return 10;
    if (failure.error != expected) return 11;
    if (failure.call != call) return 12;
  }
  mbe::Failure failure;
  const int fd = mbe::open_regular_file(path, O_RDONLY, failure);
  if (fd >= 0) return 13;
  return failure.error == expected && failure.call == call ? 0 : 14;
}

std::string mode_of(const std::filesystem::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  char text[8];
  std::snprintf(text, sizeof text, "%04o", status.st_mode & 07777);
  return text;
}

}  // namespace

TEST_CASE("a FIFO is refused at once - never waited on for a writer") {
  ScratchDir dir;
  const auto fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto result = within_five_seconds(
      [&] { return refused(fifo, MappedFileError::not_a_regular_file, "open"); });
  CHECK(result.exited_with(0));  // SIGALRM here would mean: blocked in open
  CHECK(mbe::describe_error("open", MappedFileError::not_a_regular_file) ==
        "open: not a regular file");
}

TEST_CASE("a socket and character devices are refused as not regular files") {
  ScratchDir dir;
  const auto socket_path = dir.file("socket");
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(socket_path.string().size() < sizeof address.sun_path);
  std::strcpy(address.sun_path, socket_path.c_str());
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  CHECK(within_five_seconds([&] {
          return refused(socket_path, MappedFileError::not_a_regular_file, "open");
        }).exited_with(0));
  ::close(listener);
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/tty"}) {
    if (!std::filesystem::exists(device)) continue;
    CAPTURE(device);
    CHECK(within_five_seconds([&] {
            return refused(device, MappedFileError::not_a_regular_file, "open");
          }).exited_with(0));
  }
}

TEST_CASE("procfs and sysfs files are refused - their size and contents are made up") {
  CHECK(refused("/proc/self/status", MappedFileError::pseudo_file, "open") == 0);
  CHECK(refused("/proc/self/cmdline", MappedFileError::pseudo_file, "open") == 0);
  if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"))
    MBE_SKIP("no sysfs file /sys/kernel/mm/transparent_hugepage/enabled here");
  CHECK(refused("/sys/kernel/mm/transparent_hugepage/enabled", MappedFileError::pseudo_file,
                "open") == 0);
  CHECK(mbe::describe_error("open", MappedFileError::pseudo_file)
            .starts_with("open: a procfs or sysfs file"));
}

TEST_CASE("a directory and an empty path are refused naming the call") {
  ScratchDir dir;
  mbe::Failure failure;
  CHECK_FALSE(MappedFile::open(dir.path(), failure, mbe::Access::read_only).is_mapped());
  CHECK(failure.describe() == "open: not a regular file");
  CHECK_FALSE(MappedFile::open("", failure).is_mapped());
  CHECK(failure.describe() == "open: ENOENT (No such file or directory)");
  CHECK_FALSE(MappedFile::create("", 4096, failure).is_mapped());
  CHECK(failure.describe() == "open: ENOENT (No such file or directory)");
}

TEST_CASE("a failed mmap is reported as mmap - not as the open before it") {
  // A memfd sealed against writes: open(O_RDWR) succeeds, a shared writable mapping does not.
  const int memfd = ::memfd_create("sealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  REQUIRE(memfd >= 0);
  REQUIRE(::ftruncate(memfd, 4096) == 0);
  REQUIRE(::fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE) == 0);
  const auto path = "/proc/self/fd/" + std::to_string(memfd);
  mbe::Failure failure;
  CHECK_FALSE(MappedFile::open(path, failure, mbe::Access::read_write).is_mapped());
  CHECK(failure.describe() == "mmap: EPERM (Operation not permitted)");
  std::error_code error;  // the error_code form keeps the same error
  MappedFile::open(path, error);
  CHECK(error == std::errc::operation_not_permitted);
  try {
    (void)MappedFile::open(path);
    FAIL("a write-sealed file was mapped writable");
  } catch (const mbe::Error& thrown) {
    CHECK(std::string(thrown.what()) == "mmap " + path + ": EPERM (Operation not permitted)");
  }
  CHECK(MappedFile::open(path, failure, mbe::Access::read_only).is_mapped());
  CHECK_FALSE(failure);
  ::close(memfd);
}

TEST_CASE("created files are never group- or world-writable whatever mode is asked") {
  ScratchDir dir;
  const mode_t old_mask = ::umask(0);
  const auto created_with = [&](const char* name, mode_t mode) {
    std::error_code error;
    const auto file = MappedFile::create(dir.file(name), 4096, error, mode);
    REQUIRE_FALSE(error);
    return mode_of(dir.file(name));
  };
  CHECK(created_with("0777", 0777) == "0644");
  CHECK(created_with("0666", 0666) == "0644");
  CHECK(created_with("0660", 0660) == "0640");
  CHECK(created_with("0622", 0622) == "0600");
  CHECK(created_with("0600", 0600) == "0600");
  ::umask(old_mask);
}

TEST_CASE("a size over RLIMIT_FSIZE is an EFBIG error naming ftruncate and leaves no file") {
  ScratchDir dir;
  const auto path = dir.file("too-big");
  const auto result = mbe::testing::run_in_child([&] {
    const rlimit limit{65536, 65536};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 20;
    mbe::Failure failure;
    if (MappedFile::create(path, 65536, failure).is_mapped() == false)
      return 21;  // at the limit: fine
    if (::unlink(path.c_str()) != 0) return 22;
    if (MappedFile::create(path, 65537, failure).is_mapped()) return 23;
    if (failure.describe() != "ftruncate: EFBIG (File too large)") return 24;
    if (std::filesystem::exists(path)) return 25;
    if (mbe::check_file_size_limit(65536) ||
        mbe::check_file_size_limit(65537) != std::errc::file_too_large)
      return 26;
    // A program's own ftruncate: EFBIG once SIGXFSZ is ignored, instead of a death.
    mbe::report_file_size_limit_as_error();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || ::ftruncate(fd, 1 << 20) == 0 || errno != EFBIG) return 27;
    ::close(fd);
    return 0;
  });
  CHECK(result.signal == 0);  // SIGXFSZ would kill it
  CHECK(result.exited_with(0));
  CHECK(mbe::check_file_size_limit(UINT64_MAX) == std::errc::file_too_large);  // past off_t
}

TEST_CASE("an empty operand or option value is a usage error") {
  const auto parse = [](std::vector<std::string> words) {
    words.insert(words.begin(), "/bin/prog");
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    const char* operand = nullptr;
    const char* note = nullptr;
    return mbe::parse_command_line(static_cast<int>(argv.size()), argv.data(), "usage: prog FILE\n",
                                   {&operand, 1}, {mbe::Option::text("--note", note)});
  };
  CHECK(parse({""}) == 2);
  CHECK(parse({"file", "--note", ""}) == 2);
  CHECK(parse({"file", "--note", "x"}) == std::nullopt);
}

TEST_CASE("sync_parent_directory names the call that failed - open or fsync of the directory") {
  ScratchDir dir;
  const auto directory = dir.file("gone");
  std::filesystem::create_directory(directory);
  auto file = MappedFile::create(directory / "f", 4096);
  mbe::Failure failure;
  CHECK_FALSE(file.sync_parent_directory(failure));
  CHECK_FALSE(failure);
  std::filesystem::remove(directory / "f");
  std::filesystem::remove(directory);  // the mapping lives on; its directory does not
  CHECK(file.sync_parent_directory(failure) == std::errc::no_such_file_or_directory);
  CHECK(failure.describe() ==
        "open " + directory.string() + ": ENOENT (No such file or directory)");
  CHECK(MappedFile().sync_parent_directory(failure) == MappedFileError::not_mapped);
  CHECK(failure.call == "MappedFile::sync_parent_directory");
}

TEST_CASE(
    "the shrink guard ends a read past a shrunk file with its message and lets other SIGBUS kill") {
  ScratchDir dir;
  const auto path = dir.path() / "shrinks.bin";
  const auto messages = dir.path() / "stderr.txt";
  const auto shrunk = mbe::testing::run_in_child([&] {
    const int err = ::open(messages.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (err < 0 || ::dup2(err, STDERR_FILENO) < 0) return 3;
    auto file = MappedFile::create(path, 2 * mbe::page_size());
    mbe::exit_when_shrunk(file, "guarded");
    if (::truncate(path.c_str(), 0) != 0) return 3;
    return static_cast<int>(std::to_integer<unsigned char>(file.bytes()[mbe::page_size()]));
  });
  CHECK(shrunk.exited_with(1));
  CHECK(mbe::testing::contains(mbe::testing::read_file(messages),
                               "guarded: " + path.string() + ": the file shrank"));
  // A SIGBUS sent by a process is no read past the end: it must still kill.
  const auto sent = mbe::testing::run_in_child([&] {
    auto file = MappedFile::create(dir.path() / "whole.bin", mbe::page_size());
    mbe::exit_when_shrunk(file, "guarded");
    ::raise(SIGBUS);
    return 0;
  });
  CHECK(sent.signal == SIGBUS);
}
