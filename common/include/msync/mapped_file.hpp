/// @file mapped_file.hpp
/// @brief mbe::MappedFile — the one RAII helper of the collection: a regular
/// file mapped `MAP_SHARED`, with range sync that works for every byte range.
#pragma once

#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>

#include "msync/errors.hpp"

namespace mbe {

/// @brief How MappedFile::sync() asks the kernel to write back.
enum class SyncMode : int {
  /// `MS_SYNC`: write the dirty pages of the range, wait for the I/O, flush
  /// the device cache. When it returns 0 the data is durable.
  synchronous = MS_SYNC,
  /// `MS_ASYNC`: on Linux ≥ 2.6.19 this starts **no** I/O at all; it only
  /// exists for portability. See chapter 02.
  asynchronous = MS_ASYNC,
};

/// @brief Errors of MappedFile that are not an errno of a system call.
enum class MappedFileError {
  empty_file = 1,         ///< zero-length file or size: `mmap` would fail with EINVAL
  range_outside_mapping,  ///< a byte range or object does not lie inside the mapping
  misaligned_object,      ///< an object offset is not a multiple of its alignment
  not_mapped,             ///< default-constructed or moved-from MappedFile
  not_a_regular_file,     ///< only regular files are mapped (not directories, devices)
  pseudo_file,            ///< a procfs/sysfs file: its size and contents are made up
};

/// @brief The `std::error_category` of MappedFileError.
const std::error_category& mapped_file_category() noexcept;
/// @brief Makes MappedFileError usable as a `std::error_code`.
std::error_code make_error_code(MappedFileError error) noexcept;

/// @brief Whether the mapping may be written.
enum class Access {
  read_write,  ///< `O_RDWR`, `PROT_READ | PROT_WRITE`
  read_only,   ///< `O_RDONLY`, `PROT_READ`: a reader can never modify the file
};

/// @brief A byte range; used for the page-rounded form of a sync range.
struct ByteRange {
  std::size_t offset = 0;  ///< first byte
  std::size_t length = 0;  ///< number of bytes
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

/// @brief The range `msync` needs for bytes `[offset, offset + length)`: the
/// start rounded **down** to its page (msync rejects an unaligned start with
/// EINVAL), the length extended so the last byte is still covered. The kernel
/// rounds the length up to whole pages by itself.
inline ByteRange page_rounded(std::size_t offset, std::size_t length,
                              std::size_t page_size) noexcept {
  const std::size_t start = offset & ~(page_size - 1);
  return {start, offset + length - start};
}

/// @brief The base page size, `sysconf(_SC_PAGESIZE)`, asked once: sysconf()
/// costs about 50 instructions, more than all of sync()'s own work.
inline std::size_t page_size() noexcept {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

/// @brief A regular file mapped `MAP_SHARED` in its whole length; move-only.
///
/// Stores into bytes() or object() go straight into the kernel's page cache:
/// every process that maps or `read()`s the file sees them at once, and they
/// survive the death of this process. They are **not durable** until sync()
/// (or `fsync(fd())`) returns success.
///
/// **The destructor does not sync, and neither does move-assignment.** It only
/// calls `munmap` and `close`, which write nothing back: dirty pages stay in
/// the page cache, to be written later by the kernel's writeback. Syncing
/// there would hide a cost in an innocent-looking `}` and could not report a
/// failure (a destructor cannot return an error, and throwing from one
/// terminates). Call sync() where the commit belongs and check its result.
class MappedFile {
 public:
  /// @brief An empty object that maps nothing (as after a move).
  MappedFile() noexcept = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  /// @brief Creates a **new** file of @p size bytes (zero-filled, sparse) and
  /// maps it. Fails with `EEXIST` rather than overwrite an existing file.
  /// The file is opened `O_CLOEXEC`. Created files are 0600 or 0644 at most:
  /// @p mode loses its execute bits and its group- and world-write bits
  /// (a request for 0777 gives 0644, then the umask applies).
  /// A size of 0 fails with MappedFileError::empty_file, a size over
  /// `RLIMIT_FSIZE` with `EFBIG` (named `ftruncate`, checked before it, so
  /// that no `SIGXFSZ` kills the process); both create nothing. A failure
  /// after the file was created removes it again. `noexcept` as to errors of
  /// the system: the object keeps a copy of @p path, and should that
  /// allocation fail, `std::terminate` ends the program (as in every
  /// `noexcept` function that allocates).
  static MappedFile create(const std::filesystem::path& path, std::size_t size,
                           std::error_code& error, mode_t mode = 0600) noexcept;
  /// @brief create() that also says which call failed (for the message).
  static MappedFile create(const std::filesystem::path& path, std::size_t size, Failure& failure,
                           mode_t mode = 0600) noexcept;
  /// @brief Maps an existing regular file in its whole current length.
  /// An empty file fails with MappedFileError::empty_file; a FIFO, socket or
  /// device with MappedFileError::not_a_regular_file, at once (a FIFO is
  /// never waited on); a procfs or sysfs file with MappedFileError::pseudo_file
  /// (see open_regular_file() in files.hpp).
  static MappedFile open(const std::filesystem::path& path, std::error_code& error,
                         Access access = Access::read_write) noexcept;
  /// @brief open() that also says which call failed (`open`, `fstat`,
  /// `mmap`...): print failure.describe(), not a guessed call name.
  static MappedFile open(const std::filesystem::path& path, Failure& failure,
                         Access access = Access::read_write) noexcept;
  /// @brief Throwing form of create(); throws mbe::Error naming the failed call.
  static MappedFile create(const std::filesystem::path& path, std::size_t size, mode_t mode = 0600);
  /// @brief Throwing form of open(); throws mbe::Error naming the failed call.
  static MappedFile open(const std::filesystem::path& path, Access access = Access::read_write);

  /// @brief True while a file is mapped.
  [[nodiscard]] bool is_mapped() const noexcept { return data_ != nullptr; }
  /// @brief Length of the mapping in bytes (the file size when mapped).
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// @brief The open descriptor, for `fsync`/`fdatasync`/`cachestat`; -1 when empty.
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// @brief Path the file was opened or created with.
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// @brief Read-write or read-only.
  [[nodiscard]] Access access() const noexcept { return access_; }

  /// @brief The mapped bytes. Writing through a read-only mapping raises SIGSEGV.
  [[nodiscard]] std::span<std::byte> bytes() noexcept { return {data_, size_}; }
  /// @brief The mapped bytes, read-only.
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }

  /// @brief A typed view of a trivially copyable, fixed-size struct at
  /// @p offset. Throws mbe::Error when the object would not lie inside the
  /// mapping or @p offset is not aligned for `T`.
  template <class T>
  [[nodiscard]] T& object(std::size_t offset = 0) {
    static_assert(std::is_trivially_copyable_v<T>, "only trivially copyable types live in a file");
    check_object(offset, sizeof(T), alignof(T));
    return *reinterpret_cast<T*>(data_ + offset);
  }
  /// @brief Read-only typed view; same checks as the non-const form.
  template <class T>
  [[nodiscard]] const T& object(std::size_t offset = 0) const {
    static_assert(std::is_trivially_copyable_v<T>, "only trivially copyable types live in a file");
    check_object(offset, sizeof(T), alignof(T));
    return *reinterpret_cast<const T*>(data_ + offset);
  }

  /// @brief Writes back bytes `[offset, offset + length)` with `msync`.
  ///
  /// Any byte range works: the start is rounded down to its page (see
  /// page_rounded()), so the pages holding the range — and only those — are
  /// written. `length == 0` succeeds and does nothing.
  /// @return empty on success; MappedFileError::range_outside_mapping when the
  /// range leaves the mapping; otherwise the errno of `msync` (`EIO` after a
  /// failed writeback, for example). After an `EIO` the data must be treated
  /// as lost: a retry may report success without writing it (see chapter 02).
  /// Inline, so that a loop of sync() calls executes only a few instructions
  /// more than the same loop with `msync` itself (chapter 10 counts them).
  // [sync]
  std::error_code sync(std::size_t offset, std::size_t length,
                       SyncMode mode = SyncMode::synchronous) noexcept {
    if (!is_mapped() || offset > size_ || length > size_ - offset || length == 0)
      return sync_refused(offset, length);
    const ByteRange pages = page_rounded(offset, length, page_size());
    if (::msync(data_ + pages.offset, pages.length, static_cast<int>(mode)) != 0)
      return last_error();
    return {};
  }
  // [sync]
  /// @brief sync() of the whole mapping.
  std::error_code sync_all(SyncMode mode = SyncMode::synchronous) noexcept;
  /// @brief Throwing form of sync(): throws mbe::Error (`msync: EIO (...)`).
  void sync_or_throw(std::size_t offset, std::size_t length, SyncMode mode = SyncMode::synchronous);

  /// @brief `fsync` of the directory holding the file.
  ///
  /// A newly created (or renamed) file is reachable after a crash only once
  /// its directory entry is durable. That entry is the directory's data:
  /// `msync`/`fsync` of the file are not required to write it, and after a
  /// rename they do not (chapter 08 measures it).
  std::error_code sync_parent_directory() const noexcept;
  /// @brief sync_parent_directory() that also says which call failed:
  /// `open DIR` or `fsync DIR` (the error is also returned).
  std::error_code sync_parent_directory(Failure& failure) const noexcept;

 private:
  MappedFile(std::filesystem::path path, int fd, std::byte* data, std::size_t size,
             Access access) noexcept;
  void check_object(std::size_t offset, std::size_t size, std::size_t alignment) const;
  void release() noexcept;
  // sync()'s answer to a range it does not pass to msync (rarely taken).
  std::error_code sync_refused(std::size_t offset, std::size_t length) const noexcept;

  std::filesystem::path path_;
  int fd_ = -1;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  Access access_ = Access::read_write;
};

}  // namespace mbe

/// @cond IMPLEMENTATION_DETAIL
template <>
struct std::is_error_code_enum<mbe::MappedFileError> : std::true_type {};
/// @endcond
