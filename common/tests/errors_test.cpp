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
