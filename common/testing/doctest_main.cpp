// The doctest main shared by every test binary. Beyond doctest's own main it
// turns two quiet passes into loud results:
//  - a run in which the filter matched no test case fails (a name with , ; * ?
//    would otherwise "pass" by running nothing);
//  - a test case that called MBE_SKIP makes the binary exit 77, which CTest
//    reports as skipped, with the printed reason.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>

#include "testing.hpp"

namespace mbe::testing::detail {
extern bool any_test_skipped;
}

namespace {

int test_cases_started = 0;

struct CountingListener : doctest::IReporter {
  explicit CountingListener(const doctest::ContextOptions& /*options*/) {}
  void report_query(const doctest::QueryData& /*data*/) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& /*stats*/) override {}
  void test_case_start(const doctest::TestCaseData& /*data*/) override { ++test_cases_started; }
  void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
  void test_case_end(const doctest::CurrentTestCaseStats& /*stats*/) override {}
  void test_case_exception(const doctest::TestCaseException& /*exception*/) override {}
  void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& /*data*/) override {}
  void log_message(const doctest::MessageData& /*data*/) override {}
  void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}
};

}  // namespace

REGISTER_LISTENER("mbe_counting", 1, CountingListener);

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int failed = context.run();
  if (context.shouldExit()) return failed;  // --help, --list-test-cases, ...
  if (failed != 0) return failed;
  if (test_cases_started == 0) {
    std::cerr << "error: no test case matched the filter; the run proves nothing\n";
    return 1;
  }
  if (mbe::testing::detail::any_test_skipped) return mbe::testing::skip_exit_code;
  return 0;
}
