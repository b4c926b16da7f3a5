// plug_writer — stores records in a MAP_SHARED file and says which are durable.
//
// Usage: ch07_plug_writer --mode MODE [--records N] FILE
//
// The program that runs inside chapter 07's virtual machine (it is linked
// statically for that), and on the host too. It creates FILE with room for N
// 64-byte records (written with write() and fsync'ed, so its blocks exist on
// disk before the first record), fsyncs the directory and prints "READY".
// Then for each record n = 1..N it stores the record through the mapping,
// makes it durable by the rules of MODE, and prints "ACK n": records 1..n are
// as safe as MODE can make them. The host pulls the plug at a random moment
// and checks every acknowledged record. MODE is one of
//   none             nothing: the record is in the page cache only
//   ms_async         msync(MS_ASYNC) of the record's page — on Linux a no-op
//   ms_sync          msync(MS_SYNC) of the record's page
//   fsync            fsync(FILE)
//   fdatasync        fdatasync(FILE)
//   sync_file_range  sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER) of the page:
//                    writes the page, but neither metadata nor a cache flush
//   unmount          nothing per record; after the last one, unmap, close and
//                    umount the directory of FILE (needs root), then "ACK N"
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"
#include "plug_records.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch07_plug_writer --mode MODE [--records N] FILE\n"
    "  Creates FILE, prints READY, then stores records 1..N (default 1024) through\n"
    "  a MAP_SHARED mapping and prints \"ACK n\" once record n is durable by MODE's\n"
    "  rules. MODE: none, ms_async, ms_sync, fsync, fdatasync, sync_file_range,\n"
    "  unmount.\n";

// Every block of the file is written (not a sparse ftruncate) and fsynced
// before any record is stored: storing a record then changes no metadata.
int create_file(const std::string& path, std::size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return mbe::report_errno("open " + path, errno);
  const std::vector<char> zeros(size, 0);
  // write() may store less than asked and set no errno: go on until all is
  // written or a call fails, so that the error reported is that call's
  // (EFBIG, ENOSPC) and never a stale errno.
  int write_error = 0;
  for (std::size_t done = 0; done < size && write_error == 0;) {
    const ssize_t written = ::write(fd, zeros.data() + done, size - done);
    if (written > 0)
      done += static_cast<std::size_t>(written);
    else if (written == 0)
      write_error = EIO;
    else if (errno != EINTR)
      write_error = errno;
  }
  int status = 0;
  if (write_error != 0)
    status = mbe::report_errno("write " + path, write_error);
  else if (::fsync(fd) != 0)
    status = mbe::report_errno("fsync " + path, errno);
  ::close(fd);
  if (status != 0) ::unlink(path.c_str());  // created here (O_EXCL): not left half-written
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* mode_text = nullptr;
  std::uint64_t records = 1024;
  const char* operands[1] = {};
  if (auto exit_status =
          mbe::parse_command_line(argc, argv, usage, operands,
                                  {mbe::Option::text("--mode", mode_text),
                                   mbe::Option::number("--records", records, 1, 1 << 20)}))
    return *exit_status;
  const auto mode = ch07::parse_mode(mode_text != nullptr ? mode_text : "");
  if (!mode) {
    std::fprintf(stderr, "ch07_plug_writer: --mode must be one of %.*s\n%.*s",
                 static_cast<int>(ch07::mode_names.size()), ch07::mode_names.data(),
                 static_cast<int>(usage.size()), usage.data());
    return 2;
  }
  const std::string path = operands[0];
  if (const int status = create_file(path, records * sizeof(ch07::PlugRecord))) return status;

  mbe::Failure failure;
  auto file = mbe::MappedFile::open(path, failure);
  if (failure) return mbe::report_error(failure.call + " " + path, failure.error);
  // Its name, too, is durable before the first record: a loss afterwards is a record's alone.
  if (file.sync_parent_directory(failure)) return mbe::report_error(failure.call, failure.error);
  mbe::print_line("READY");
  // [store]
  constexpr std::size_t record_size = sizeof(ch07::PlugRecord);
  for (std::uint64_t n = 1; n <= records; ++n) {
    const std::size_t offset = (n - 1) * record_size;
    file.object<ch07::PlugRecord>(offset) = ch07::make_record(n);
    switch (*mode) {  // make it durable by MODE's rules; a failure means no ACK for this record
      case ch07::WriterMode::ms_sync:
        if (const auto error = file.sync(offset, record_size, mbe::SyncMode::synchronous))
          return mbe::report_error("msync", error);
        break;
      case ch07::WriterMode::ms_async:
        if (const auto error = file.sync(offset, record_size, mbe::SyncMode::asynchronous))
          return mbe::report_error("msync", error);
        break;
      case ch07::WriterMode::fsync:
        if (::fsync(file.fd()) != 0) return mbe::report_errno("fsync", errno);
        break;
      case ch07::WriterMode::fdatasync:
        if (::fdatasync(file.fd()) != 0) return mbe::report_errno("fdatasync", errno);
        break;
      case ch07::WriterMode::sync_file_range: {
        const auto pages = mbe::page_rounded(offset, record_size, mbe::page_size());
        if (::sync_file_range(
                file.fd(), static_cast<off_t>(pages.offset), static_cast<off_t>(pages.length),
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) !=
            0)
          return mbe::report_errno("sync_file_range", errno);
        break;
      }
      case ch07::WriterMode::none:
      case ch07::WriterMode::unmount:
        break;
    }
    if (*mode != ch07::WriterMode::unmount) mbe::print_line("ACK " + std::to_string(n));
  }
  // [store]
  if (*mode == ch07::WriterMode::unmount) {
    std::string directory = file.path().parent_path();
    if (directory.empty()) directory = ".";
    file = mbe::MappedFile();  // unmap and close: a busy filesystem cannot be unmounted
    if (::umount(directory.c_str()) != 0) return mbe::report_errno("umount " + directory, errno);
    mbe::print_line("ACK " + std::to_string(records));
  }
  mbe::print_line("DONE");
  return 0;
}
