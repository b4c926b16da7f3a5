// replace_durably — a new name is directory data: fsync the directory too.
//
// Usage: ch08_replace_durably FILE TEXT
//
// Writes TEXT to FILE the crash-safe way and shows, after each step, how many
// bytes the block device under FILE wrote (from /sys/dev/block/.../stat):
//   1. write TEXT to a new file FILE.new and fsync it — the data is durable,
//      under a temporary name;
//   2. rename FILE.new over FILE — atomic for every process at once, but only
//      in memory: the names live in the directory, whose blocks are its own;
//   3. fsync the directory — now the name FILE is durable too.
// Without step 3 a power loss can leave the old FILE, or no FILE at all, even
// though step 1 succeeded. On a quiet device the step-3 figure shows what the
// file's own fsync left unwritten: after a rename, the directory block.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/device_writes.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_replace_durably FILE TEXT\n"
    "  Writes TEXT to FILE.new, fsyncs it, renames it over FILE and fsyncs the\n"
    "  directory, printing the bytes the device wrote after each step.\n";

// Prints the device bytes written since @p before, and returns the new count.
std::optional<std::uint64_t> report(const char* step, int fd, std::optional<std::uint64_t> before) {
  const auto now = mbe::sectors_written(fd);
  if (before && now)
    std::printf("%-32s device wrote %llu bytes\n", step,
                static_cast<unsigned long long>(*now - *before) * mbe::sector_bytes);
  else
    std::printf("%-32s (no device counter here)\n", step);
  return now;
}

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* operands[2] = {};
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, operands)) return *exit_status;
  const std::string path = operands[0];
  const std::string_view text = operands[1];
  const std::string temporary = path + ".new";
  const auto slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);

  // Replacing is for regular files: a FIFO, socket or device named FILE is left alone.
  if (struct stat existing{}; ::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    std::fprintf(stderr, "ch08_replace_durably: %s: not a regular file; nothing replaced\n",
                 path.c_str());
    return 1;
  }
  // [replace]
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return mbe::report_errno("open " + temporary, errno);
  auto counted = mbe::sectors_written(fd);
  // Until the rename, FILE is untouched: any failure removes FILE.new and says which call failed.
  auto give_up = [&](const std::string& call, int error) {
    ::unlink(temporary.c_str());
    ::close(fd);
    return mbe::report_errno(call, error);
  };
  // write() may store less than asked: go on, so that a failure is the real errno (EFBIG, ENOSPC).
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t written = ::write(fd, text.data() + done, text.size() - done);
    if (written > 0)
      done += static_cast<std::size_t>(written);
    else if (written == 0)
      return give_up("write " + temporary, EIO);
    else if (errno != EINTR)
      return give_up("write " + temporary, errno);
  }
  if (::fsync(fd) != 0) return give_up("fsync " + temporary, errno);
  counted = report("1. write + fsync(FILE.new):", fd, counted);

  if (::rename(temporary.c_str(), path.c_str()) != 0)
    return give_up("rename " + temporary + " " + path, errno);
  counted = report("2. rename over FILE:", fd, counted);
  if (::fsync(fd) != 0) return mbe::report_errno("fsync", errno);
  counted = report("   fsync(FILE) again:", fd, counted);

  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return mbe::report_errno("open " + directory, errno);
  if (::fsync(directory_fd) != 0) return mbe::report_errno("fsync(directory)", errno);
  counted = report("3. fsync(directory):", fd, counted);
  // [replace]
  if (::fsync(directory_fd) != 0) return mbe::report_errno("fsync(directory)", errno);
  report("   fsync(directory) again:", fd, counted);
  ::close(directory_fd);
  ::close(fd);
  std::printf("%s now holds %zu bytes, durably\n", path.c_str(), text.size());
  return 0;
}
