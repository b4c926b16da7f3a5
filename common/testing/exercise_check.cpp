// The exercise checks' shared parts: staged hints, the race counter fed by
// ThreadSanitizer, errno printing, and "mbe_student", the doctest reporter
// exercises/check runs each check with: one line per check, the failed
// assertions with their values and the mistake they name, the hints asked
// for, and none of doctest's banner and totals.
#include "exercise_check.hpp"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string_view>

#include "msync/errors.hpp"

namespace mbe::testing {

namespace detail {
extern bool any_test_skipped;  // testing.cpp: set by MBE_SKIP
}

namespace {
std::vector<std::string>& hints_now() {
  static std::vector<std::string> hints;
  return hints;
}
std::atomic<int> races{0};
}  // namespace

// The hints stay after the check's scope ends: the reporter shows them when
// the check has ended, and clears them when the next one starts.
StagedHints::StagedHints(std::initializer_list<const char*> hints) {
  hints_now().assign(hints.begin(), hints.end());
}
const std::vector<std::string>& StagedHints::current() {
  return hints_now();
}
void StagedHints::forget() {
  hints_now().clear();
}

int data_races_reported() noexcept {
  return races.load();
}

bool built_with_thread_sanitizer() noexcept {
#if defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace mbe::testing

// ThreadSanitizer calls this for every report it prints (its own definition
// is weak); outside a TSan build nobody calls it.
extern "C" void __tsan_on_report(const void* /*report*/) {
  ++mbe::testing::races;
}

namespace doctest {
String StringMaker<std::error_code>::convert(const std::error_code& error) {
  if (!error) return "no error";
  if (error.category() == std::generic_category() || error.category() == std::system_category())
    return mbe::errno_text(error.value()).c_str();
  return (error.category().name() + std::string(": ") + error.message()).c_str();
}
}  // namespace doctest

namespace {

// Where a check.cpp line is, from the top of the collection: chapters/NN/exercise/check.cpp:42
std::string_view short_path(std::string_view file) {
  const auto at = file.rfind("chapters/");
  return at == std::string_view::npos ? file : file.substr(at);
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

class StudentReporter : public doctest::IReporter {
 public:
  explicit StudentReporter(const doctest::ContextOptions& options) : out_(*options.cout) {}

  void report_query(const doctest::QueryData& /*data*/) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& /*stats*/) override {}
  void test_case_start(const doctest::TestCaseData& data) override {
    name_ = data.m_name;
    mbe::testing::StagedHints::forget();
    skipped_before_ = mbe::testing::detail::any_test_skipped;  // MBE_SKIP's flag is per run:
    mbe::testing::detail::any_test_skipped = false;            // watch it per check

    details_.str("");
    failed_asserts_ = 0;
    todo_reported_ = false;
  }
  void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
  void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
  void subcase_end() override {}
  void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}
  void log_message(const doctest::MessageData& /*data*/) override {}

  void test_case_exception(const doctest::TestCaseException& exception) override {
    const std::string what = exception.error_string.c_str();
    if (exception.is_crash)
      details_ << "      crashed: " << what << '\n';
    else if (not_written_yet(what))
      return;
    else
      details_ << "      threw: " << what << '\n';
    contexts(doctest::IReporter::get_num_stringified_contexts(),
             doctest::IReporter::get_stringified_contexts());
  }

  void log_assert(const doctest::AssertData& data) override {
    if (!data.m_failed) return;
    if (data.m_threw && not_written_yet(data.m_exception.c_str())) return;  // said once per check
    if (++failed_asserts_ > max_shown_asserts) return;
    details_ << "      " << short_path(data.m_file) << ':' << data.m_line << ": " << data.m_expr
             << '\n';
    if (data.m_threw)
      details_ << "        threw: " << data.m_exception.c_str() << '\n';
    else if (data.m_decomp.size() != 0 && std::string_view(data.m_decomp.c_str()) != data.m_expr)
      details_ << "        values: " << data.m_decomp.c_str() << '\n';
    const int count = doctest::IReporter::get_num_active_contexts();
    const auto* const* scopes = doctest::IReporter::get_active_contexts();
    for (int i = 0; i < count; ++i) {
      std::ostringstream text;
      scopes[i]->stringify(&text);
      note(text.str());
    }
  }

  void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
    const bool skipped = mbe::testing::detail::any_test_skipped;
    mbe::testing::detail::any_test_skipped = skipped_before_ || skipped;
    if (stats.testCaseSuccess) {
      if (!skipped) out_ << "  \u2713 " << name_ << '\n';  // a skip is shown by its reason
      return;
    }
    out_ << "  \u2717 " << name_ << '\n' << details_.str();
    if (failed_asserts_ > max_shown_asserts)
      out_ << "      ... and " << failed_asserts_ - max_shown_asserts
           << " more failed assertions\n";
    show_hints();
    out_.flush();
  }

 private:
  static constexpr int max_shown_asserts = 3;

  // An exception from a stub's `throw std::logic_error("TODO: ...")`: the
  // check has nothing to judge yet, so no values, no mistakes, one line.
  bool not_written_yet(std::string what) {
    if (what.size() >= 2 && what.front() == '"' && what.back() == '"')
      what = what.substr(1, what.size() - 2);
    if (!starts_with(what, "TODO")) return false;
    if (!todo_reported_) details_ << "      not written yet (" << what << ")\n";
    todo_reported_ = true;
    return true;
  }

  void contexts(int count, const doctest::String* texts) {
    for (int i = 0; i < count; ++i) note(texts[i].c_str());
  }
  // A context line (INFO, CAPTURE, a check's message); the first hint is left
  // to show_hints, which knows how many the student asked for.
  void note(const std::string& text) {
    if (starts_with(text, "Hint: ")) return;
    details_ << "        " << text << '\n';
  }

  void show_hints() {
    const auto& hints = mbe::testing::StagedHints::current();
    if (hints.empty()) return;
    long level = 1;
    if (const char* wanted = std::getenv("MBE_HINT_LEVEL"); wanted != nullptr && *wanted != '\0')
      level = std::strtol(wanted, nullptr, 10);
    if (level <= 0) return;
    const auto shown = static_cast<std::size_t>(level) < hints.size()
                           ? static_cast<std::size_t>(level)
                           : hints.size();
    for (std::size_t i = 0; i < shown; ++i)
      out_ << "      Hint " << i + 1 << " of " << hints.size() << ": " << hints[i] << '\n';
    if (shown < hints.size()) out_ << "      (another hint: exercises/check --hint)\n";
  }

  std::ostream& out_;
  std::string name_;
  std::ostringstream details_;
  int failed_asserts_ = 0;
  bool todo_reported_ = false;
  bool skipped_before_ = false;
};

}  // namespace

DOCTEST_REGISTER_REPORTER("mbe_student", 0, StudentReporter);
