#include "msync/mapped_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace mbe {
namespace {

class MappedFileCategory final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "mapped_file"; }
  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<MappedFileError>(value)) {
      case MappedFileError::empty_file:
        return "file is empty: a mapping needs at least one byte (mmap of length 0 is EINVAL)";
      case MappedFileError::range_outside_mapping:
        return "range lies outside the mapping";
      case MappedFileError::misaligned_object:
        return "offset is not aligned for the object type";
      case MappedFileError::not_mapped:
        return "no file is mapped (empty or moved-from object)";
      case MappedFileError::not_a_regular_file:
        return "not a regular file";
      case MappedFileError::pseudo_file:
        return "a procfs or sysfs file, not data on a disk (its size and contents are made up)";
    }
    return "unknown mapped_file error";
  }
};

// Which call failed, so that every form can say "ftruncate: ENOSPC (...)".
Failure fail(const char* call, std::error_code error) {
  return {call, error};
}

void close_keeping_errno(int fd) noexcept {
  const int saved = errno;
  ::close(fd);
  errno = saved;
}

}  // namespace

const std::error_category& mapped_file_category() noexcept {
  static const MappedFileCategory category;
  return category;
}

std::error_code make_error_code(MappedFileError error) noexcept {
  return {static_cast<int>(error), mapped_file_category()};
}

MappedFile::MappedFile(std::filesystem::path path, int fd, std::byte* data, std::size_t size,
                       Access access) noexcept
    : path_(std::move(path)), fd_(fd), data_(data), size_(size), access_(access) {}

MappedFile::~MappedFile() {
  release();
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      access_(other.access_) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    release();  // unmaps without syncing: see the class documentation
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    access_ = other.access_;
  }
  return *this;
}

void MappedFile::release() noexcept {
  // munmap and close write nothing back; dirty pages stay in the page cache.
  if (data_ != nullptr) ::munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
  data_ = nullptr;
  fd_ = -1;
  size_ = 0;
}

namespace {

Failure map_descriptor(int fd, std::size_t size, Access access, std::byte*& data) {
  const int protection = access == Access::read_write ? PROT_READ | PROT_WRITE : PROT_READ;
  void* address = ::mmap(nullptr, size, protection, MAP_SHARED, fd, 0);
  if (address == MAP_FAILED) return fail("mmap", last_error());
  data = static_cast<std::byte*>(address);
  return {};
}

Failure create_impl(const std::filesystem::path& path, std::size_t size, mode_t mode, int& fd,
                    std::byte*& data) {
  if (size == 0) return fail("MappedFile::create", MappedFileError::empty_file);
  // Before the file exists: ftruncate past RLIMIT_FSIZE would raise SIGXFSZ.
  if (auto error = check_file_size_limit(size)) return fail("ftruncate", error);
  // 0600 or 0644 at most: never executable, never writable by group or world.
  fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0644);
  if (fd < 0) return fail("open", last_error());
  Failure failure;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0)
    failure = fail("ftruncate", last_error());
  else
    failure = map_descriptor(fd, size, Access::read_write, data);
  if (failure.error) {  // we created the file with O_EXCL: it is ours to remove
    ::unlink(path.c_str());
    close_keeping_errno(fd);
  }
  return failure;
}

Failure open_impl(const std::filesystem::path& path, Access access, int& fd, std::byte*& data,
                  std::size_t& size) {
  Failure failure;
  fd = open_regular_file(path, access == Access::read_write ? O_RDWR : O_RDONLY, failure);
  if (fd < 0) return failure;
  struct stat status {};
  if (::fstat(fd, &status) != 0)
    failure = fail("fstat", last_error());
  else if (status.st_size == 0)
    failure = fail("MappedFile::open", MappedFileError::empty_file);
  else {
    size = static_cast<std::size_t>(status.st_size);
    failure = map_descriptor(fd, size, access, data);
  }
  if (failure.error) close_keeping_errno(fd);
  return failure;
}

}  // namespace

MappedFile MappedFile::create(const std::filesystem::path& path, std::size_t size,
                              std::error_code& error, mode_t mode) noexcept {
  Failure failure;
  auto file = create(path, size, failure, mode);
  error = failure.error;
  return file;
}

MappedFile MappedFile::create(const std::filesystem::path& path, std::size_t size, Failure& failure,
                              mode_t mode) noexcept {
  int fd = -1;
  std::byte* data = nullptr;
  failure = create_impl(path, size, mode, fd, data);
  if (failure) return {};
  return {path, fd, data, size, Access::read_write};
}

MappedFile MappedFile::open(const std::filesystem::path& path, std::error_code& error,
                            Access access) noexcept {
  Failure failure;
  auto file = open(path, failure, access);
  error = failure.error;
  return file;
}

MappedFile MappedFile::open(const std::filesystem::path& path, Failure& failure,
                            Access access) noexcept {
  int fd = -1;
  std::byte* data = nullptr;
  std::size_t size = 0;
  failure = open_impl(path, access, fd, data, size);
  if (failure) return {};
  return {path, fd, data, size, access};
}

MappedFile MappedFile::create(const std::filesystem::path& path, std::size_t size, mode_t mode) {
  int fd = -1;
  std::byte* data = nullptr;
  if (auto failure = create_impl(path, size, mode, fd, data); failure.error)
    throw_error(failure.call + " " + path.string(), failure.error);
  return {path, fd, data, size, Access::read_write};
}

MappedFile MappedFile::open(const std::filesystem::path& path, Access access) {
  int fd = -1;
  std::byte* data = nullptr;
  std::size_t size = 0;
  if (auto failure = open_impl(path, access, fd, data, size); failure.error)
    throw_error(failure.call + " " + path.string(), failure.error);
  return {path, fd, data, size, access};
}

void MappedFile::check_object(std::size_t offset, std::size_t size, std::size_t alignment) const {
  std::error_code error;
  if (!is_mapped())
    error = MappedFileError::not_mapped;
  else if (offset > size_ || size > size_ - offset)
    error = MappedFileError::range_outside_mapping;
  else if (offset % alignment != 0)  // the mapping itself starts page-aligned
    error = MappedFileError::misaligned_object;
  if (error)
    throw Error(describe_error("MappedFile::object", error) + " (offset " + std::to_string(offset) +
                    ", " + std::to_string(size) + " bytes, mapping of " + std::to_string(size_) +
                    " bytes)",
                error);
}

std::error_code MappedFile::sync_refused(std::size_t offset, std::size_t length) const noexcept {
  if (!is_mapped()) return MappedFileError::not_mapped;
  if (offset > size_ || length > size_ - offset) return MappedFileError::range_outside_mapping;
  return {};  // an empty range: nothing to write
}

std::error_code MappedFile::sync_all(SyncMode mode) noexcept {
  return sync(0, size_, mode);
}

void MappedFile::sync_or_throw(std::size_t offset, std::size_t length, SyncMode mode) {
  if (auto error = sync(offset, length, mode)) throw_error("msync", error);
}

std::error_code MappedFile::sync_parent_directory() const noexcept {
  Failure failure;
  return sync_parent_directory(failure);
}

std::error_code MappedFile::sync_parent_directory(Failure& failure) const noexcept {
  failure = {};
  if (!is_mapped()) {
    failure = fail("MappedFile::sync_parent_directory", MappedFileError::not_mapped);
    return failure.error;
  }
  std::filesystem::path directory = path_.parent_path();
  if (directory.empty()) directory = ".";
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    failure = {"open " + directory.string(), last_error()};
    return failure.error;
  }
  if (::fsync(dir_fd) != 0) failure = {"fsync " + directory.string(), last_error()};
  ::close(dir_fd);
  return failure.error;
}

}  // namespace mbe
