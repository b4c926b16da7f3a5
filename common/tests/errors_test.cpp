// Checks of the error format shared by every program.
#include <doctest/doctest.h>

#include <cerrno>

#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"

TEST_CASE("errors read as call then symbolic errno then text") {
  CHECK(mbe::errno_name(EINVAL) == "EINVAL");
  CHECK(mbe::errno_text(EINVAL) == "EINVAL (Invalid argument)");
  CHECK(mbe::describe_error("msync", std::error_code(EINVAL, std::generic_category())) ==
        "msync: EINVAL (Invalid argument)");
  CHECK(mbe::describe_error("msync", std::error_code(ENOMEM, std::system_category())) ==
        "msync: ENOMEM (Cannot allocate memory)");
  CHECK(mbe::errno_name(9999) == "E9999");
}

TEST_CASE("helper errors read as call then message") {
  CHECK(mbe::describe_error("MappedFile::open", mbe::MappedFileError::not_a_regular_file) ==
        "MappedFile::open: not a regular file");
  CHECK(std::string(mbe::mapped_file_category().name()) == "mapped_file");
}

TEST_CASE("a library reports a failed call in one line with throw_errno") {
  errno = ENOENT;
  try {
    mbe::throw_errno("open /nowhere");
    FAIL("throw_errno returned");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) == "open /nowhere: ENOENT (No such file or directory)");
    CHECK(error.code() == std::errc::no_such_file_or_directory);
  }
  try {
    mbe::throw_error("posix_spawn qemu", std::error_code(EACCES, std::generic_category()));
    FAIL("throw_error returned");
  } catch (const mbe::Error& error) {
    CHECK(std::string(error.what()) == "posix_spawn qemu: EACCES (Permission denied)");
    CHECK(error.code() == std::errc::permission_denied);
  }
}
