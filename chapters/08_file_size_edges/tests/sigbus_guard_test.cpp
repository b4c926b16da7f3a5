// Chapter 08: catching SIGBUS, and how the obvious guard breaks.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "../sigbus_guard.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

TEST_CASE("the careful SIGBUS guard turns a read past the end of file into no value") {
  ScratchDir dir;
  const auto run =
      run_program({MBE_PROGRAM_GUARDED_READ, dir.file("f").string(), "--guard", "careful"});
  CHECK(run.exited_with(0));
  CHECK(contains(run.out, "first page: read 1"));
  CHECK(contains(run.out, "second page: SIGBUS caught - the page is past the end of file"));
}

TEST_CASE("the naive SIGBUS guard compiled with -O2 lets SIGBUS kill the process") {
  ScratchDir dir;
  const auto run =
      run_program({MBE_PROGRAM_GUARDED_READ, dir.file("f").string(), "--guard", "naive"});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "first page: read 1"));  // it works while nothing faults
  CHECK_FALSE(contains(run.out, "second page"));
}

TEST_CASE("the careful handler does not swallow a SIGBUS outside a guarded read") {
  ScratchDir dir;
  const auto run =
      run_program({MBE_PROGRAM_GUARDED_READ, dir.file("f").string(), "--guard", "none"});
  CHECK(run.signal == SIGBUS);
  CHECK(contains(run.out, "second page, unguarded ..."));
}

TEST_CASE("the careful guard catches every fault and not only the first") {
  ScratchDir dir;
  const auto path = dir.file("f");
  const auto child = mbe::testing::run_in_child([&] {
    auto file = mbe::MappedFile::create(path, 2 * mbe::page_size());
    file.object<std::uint64_t>(0) = 7;
    if (::ftruncate(file.fd(), static_cast<off_t>(mbe::page_size())) != 0) return 2;
    ch08::install_careful_guard();
    const auto* past_end = &file.object<std::uint64_t>(mbe::page_size());
    int caught = 0;
    for (int i = 0; i < 100; ++i) caught += ch08::read_guarded(past_end).has_value() ? 0 : 1;
    const bool inside_ok = ch08::read_guarded(&file.object<std::uint64_t>(0)) == 7u;
    return caught == 100 && inside_ok ? 0 : 3;  // sigsetjmp(…, 1) unblocks SIGBUS each time
  });
  CHECK(child.exited_with(0));
}

namespace {
// The compiler's path, or "" (posix_spawn does not search PATH).
std::string compiler(const char* name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"})
    if (::access((std::string(dir) + name).c_str(), X_OK) == 0) return std::string(dir) + name;
  return "";
}
}  // namespace

// The page says which optimisation levels of which compilers delete the
// naive guard's arming store. The program above is built with one compiler at
// -O2; this compiles naive_guard.cpp to assembly with both at every level and
// looks for the store "guarding = true" (movb $1 into guarding, x86-64).
TEST_CASE("the naive guard's arming store is deleted by g++ 12 from -O1 and by clang 14 from -O2") {
#if !defined(__x86_64__)
  MBE_SKIP("the assembly check reads x86-64 code");
#endif
  const auto gxx = compiler("g++");
  const auto clang = compiler("clang++");
  if (gxx.empty() || clang.empty()) MBE_SKIP("needs g++ and clang++ at test time");
  const auto version = [](const std::string& cxx) {
    return mbe::testing::run_program({cxx, "-dumpversion"}).out;
  };
  if (version(gxx).rfind("12", 0) != 0 || version(clang).rfind("14.", 0) != 0)
    MBE_SKIP("the claim is measured for g++ 12 and clang 14; here g++ " + version(gxx) +
             " and clang " + version(clang));
  ScratchDir dir;
  const auto source =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "naive_guard.cpp";
  // One line of assembly "movb $1, <...guarding...>": the store of true.
  const auto has_arming_store = [](const std::string& assembly) {
    std::istringstream lines(assembly);
    for (std::string line; std::getline(lines, line);)
      if (contains(line, "movb") && contains(line, "$1,") && contains(line, "guarding"))
        return true;
    return false;
  };
  const auto keeps_the_store = [&](const std::string& cxx, const std::string& level) {
    const auto assembly = dir.file("naive" + level + ".s");
    const auto run =
        mbe::testing::run_program({cxx, "-std=c++20", level, "-S", "-o", assembly.string(), "-I",
                                   source.parent_path().string(), source.string()});
    REQUIRE(run.exited_with(0));
    const auto text = mbe::testing::read_file(assembly);
    return has_arming_store(text);
  };
  CHECK(keeps_the_store(gxx, "-O0"));
  CHECK_FALSE(keeps_the_store(gxx, "-O1"));
  CHECK_FALSE(keeps_the_store(gxx, "-O2"));
  CHECK_FALSE(keeps_the_store(gxx, "-O3"));
  CHECK(keeps_the_store(clang, "-O0"));
  CHECK(keeps_the_store(clang, "-O1"));  // clang 14 keeps it at -O1
  CHECK_FALSE(keeps_the_store(clang, "-O2"));
  CHECK_FALSE(keeps_the_store(clang, "-O3"));
}
