# Build functions shared by every chapter, exercise and solution.
#
#   mbe_program(ch01 commit_state commit_state.cpp)
#       -> executable bin/ch01_commit_state, linked to mbe::common
#   mbe_tests(ch01 SOURCES tests/x_test.cpp PROGRAMS commit_state read_state)
#       -> one CTest test per doctest TEST_CASE, named "ch01/<case>", labelled
#          ch01; the test code finds each program as MBE_PROGRAM_COMMIT_STATE;
#          PROPERTIES adds CTest properties (e.g. RUN_SERIAL TRUE) to them all
#   mbe_exercise(ch04 sync_changed_records.cpp)
#       -> the chapter's exercise: the check chapters/04_x/exercise/check.cpp
#          built against solutions/04_x/<file> (tests "ch04/solution/<case>")
#          and against exercises/04_x/<file> (tests "exercise/ch04/<case>",
#          for the student, excluded from every preset but "exercises"), a
#          test "ch04/the exercise stub fails every check", and for each wrong
#          solution solutions/04_x/wrong/<mistake>.cpp a test "ch04/the wrong
#          solution <mistake> fails a check" (label wrong)
#   mbe_tour(ch01 tour.sh)
#       -> a stop in the tour (target tour) and a test "ch01/tour"
#   mbe_test_cost(ch06_tests 30 "ch06/<case>"...)
#       -> CTest starts these doctest cases of ch06_tests before cheaper ones
include_guard(GLOBAL)

# Normalised (no "..", no trailing "/"): gcovr's filters are matched against it.
get_filename_component(MBE_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

# Environment of every test. Chapter 08's programs die of SIGBUS on purpose;
# a sanitizer would catch the signal, print its own report and exit 1.
set(MBE_TEST_ENVIRONMENT "ASAN_OPTIONS=handle_sigbus=0" "TSAN_OPTIONS=handle_sigbus=0"
  "UBSAN_OPTIONS=handle_sigbus=0")

function(mbe_apply_global_flags)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    add_compile_options(
      -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
      -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
      -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wundef)
  endif()
  # g++ 12 with optimisation reports -Wrestrict false positives inside
  # libstdc++'s own std::string operator+ ("__builtin_memcpy accessing
  # 9223372036854775810 or more bytes"), a known g++ 12 problem reported by
  # many projects (googletest issue 4108, dyninst issue 1422). Silenced for
  # g++ 12 only; every other warning stays an error, and clang keeps it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    add_compile_options(-Wno-restrict)
  endif()
  if(MBE_SANITIZE)
    list(JOIN MBE_SANITIZE "," sanitizers)
    add_compile_options(-fsanitize=${sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${sanitizers})
  endif()
  if(MBE_COVERAGE)
    add_compile_options(--coverage -O0)
    add_link_options(--coverage)
  endif()
endfunction()

# CTest starts the costliest tests first (property COST; here about their
# seconds on this machine). On a fresh build it knows no times, and a long
# test started last runs alone at the end while a core idles: the long ones
# say so. For doctest cases, which
# exist only once CTest has listed them, the property is set by a file CTest
# reads then (one per target), which warns of a name it does not find.
function(mbe_test_cost target cost)
  set(cost_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_cost.cmake")
  get_property(begun GLOBAL PROPERTY "MBE_TEST_COST_${target}")
  if(NOT begun)
    file(WRITE "${cost_file}" "")
    set_property(GLOBAL PROPERTY "MBE_TEST_COST_${target}" ON)
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${cost_file}")
  endif()
  foreach(name IN LISTS ARGN)
    file(APPEND "${cost_file}"
      "if(DEFINED ${target}_TESTS)\n"
      "  list(FIND ${target}_TESTS [==[${name}]==] found)\n"
      "  if(found EQUAL -1)\n"
      "    message(WARNING [==[mbe_test_cost: ${target} has no test '${name}']==])\n"
      "  else()\n"
      "    set_tests_properties([==[${name}]==] PROPERTIES COST ${cost})\n"
      "  endif()\n"
      "endif()\n")
  endforeach()
endfunction()

# Test code (doctest files, exercise checks, their support) compiles with the
# precompiled header made by mbe_testing (common/CMakeLists.txt); other sources
# of a test target (a chapter file it also links) are compiled as they are.
function(mbe_use_test_pch target)
  target_precompile_headers(${target} REUSE_FROM mbe_testing)
  get_target_property(sources ${target} SOURCES)
  foreach(source IN LISTS sources)
    if(NOT source MATCHES "(_test|/exercise/check|/common/testing/[a-z_]+)\\.cpp$")
      set_source_files_properties("${source}" PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()

function(mbe_program chapter name)
  set(target "${chapter}_${name}")
  add_executable(${target} ${ARGN})
  target_link_libraries(${target} PRIVATE mbe::common)
  set_property(GLOBAL APPEND PROPERTY MBE_PROGRAMS ${target})
endfunction()

# mbe_tests(<label> SOURCES ... [TARGET name] [PROGRAMS name...] [LABELS more...]
#           [PREFIX name-prefix] [LIBRARIES lib...] [PROPERTIES name value...])
function(mbe_tests label)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TARGET;PREFIX"
    "SOURCES;PROGRAMS;LABELS;LIBRARIES;PROPERTIES")
  if(NOT arg_TARGET)
    set(arg_TARGET "${label}_tests")
  endif()
  if(NOT arg_PREFIX)
    set(arg_PREFIX "${label}/")
  endif()
  add_executable(${arg_TARGET} ${arg_SOURCES})
  target_link_libraries(${arg_TARGET} PRIVATE mbe::common mbe::testing ${arg_LIBRARIES})
  mbe_use_test_pch(${arg_TARGET})
  foreach(program IN LISTS arg_PROGRAMS)
    string(TOUPPER "${program}" upper)
    target_compile_definitions(${arg_TARGET} PRIVATE
      "MBE_PROGRAM_${upper}=\"$<TARGET_FILE:${label}_${program}>\"")
    add_dependencies(${arg_TARGET} ${label}_${program})
  endforeach()
  if(NOT MBE_LAB_AND_WAIT_TESTS AND ("lab" IN_LIST arg_LABELS OR "kernel-wait" IN_LIST arg_LABELS))
    set_target_properties(${arg_TARGET} PROPERTIES EXCLUDE_FROM_ALL ON)
    return()  # not built, no tests: see MBE_LAB_AND_WAIT_TESTS
  endif()
  doctest_discover_tests(${arg_TARGET}
    TEST_PREFIX "${arg_PREFIX}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  # doctest's own script overwrites LABELS, so labels, the skip code and the
  # timeout are set by an include file that CTest reads after doctest's.
  set(properties_file "${CMAKE_CURRENT_BINARY_DIR}/${arg_TARGET}_properties.cmake")
  set(labels ${label} ${arg_LABELS})
  list(JOIN arg_PROPERTIES " " more_properties)
  file(WRITE "${properties_file}"
    "if(DEFINED ${arg_TARGET}_TESTS)\n"
    "  set_tests_properties(\${${arg_TARGET}_TESTS} PROPERTIES\n"
    "    LABELS \"${labels}\" SKIP_RETURN_CODE 77 TIMEOUT 600 ${more_properties}\n"
    "    ENVIRONMENT \"${MBE_TEST_ENVIRONMENT}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${properties_file}")
endfunction()

# What every exercise check links besides mbe::testing: staged hints, the
# student reporter, errno printing, store-by-store stepping, pretended
# writeback (common/testing/exercise_check.hpp and the headers beside it).
function(mbe_add_exercise_support)
  if(TARGET mbe_exercise_support)
    return()
  endif()
  set(dir "${MBE_SOURCE_ROOT}/common/testing")
  add_library(mbe_exercise_support STATIC
    "${dir}/exercise_check.cpp" "${dir}/store_by_store.cpp" "${dir}/pretend_writeback.cpp")
  target_link_libraries(mbe_exercise_support PUBLIC mbe::testing ${CMAKE_DL_LIBS})
  mbe_use_test_pch(mbe_exercise_support)
  # The student's checks and nothing else (cmake --build --preset student;
  # exercises/check builds one of them), and every proof about the exercises:
  # solutions, stubs, wrong solutions (the exercises-tsan workflow).
  add_custom_target(exercise_checks)
  add_custom_target(exercise_proofs)
  mbe_tests(common TARGET exercise_support_tests LABELS exercise-support
    SOURCES "${MBE_SOURCE_ROOT}/common/tests/exercise_support_test.cpp" LIBRARIES mbe_exercise_support)
  add_dependencies(exercise_proofs exercise_support_tests)
endfunction()

# The check of one tree's file: an executable from the chapter's check objects
# and that file, whose tests doctest_discover_tests names <prefix><case>; more
# arguments are passed to each test run. Called by mbe_exercise only: it uses
# that function's chapter and properties_file.
function(mbe_exercise_check target file prefix labels)
  add_executable(${target} "${file}")
  target_link_libraries(${target} PRIVATE ${chapter}_exercise_check_objects)
  doctest_discover_tests(${target} TEST_PREFIX "${prefix}" WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    EXTRA_ARGS ${ARGN})
  file(APPEND "${properties_file}"
    "if(DEFINED ${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES\n"
    "    LABELS \"${labels}\" SKIP_RETURN_CODE 77 TIMEOUT 600\n"
    "    ENVIRONMENT \"${MBE_TEST_ENVIRONMENT}\")\n"
    "endif()\n")
endfunction()

function(mbe_exercise chapter source)
  get_filename_component(folder "${CMAKE_CURRENT_SOURCE_DIR}" NAME)  # e.g. 04_partial_sync
  mbe_add_exercise_support()
  # check.cpp is compiled once and linked with each tree's file.
  add_library(${chapter}_exercise_check_objects OBJECT "${CMAKE_CURRENT_SOURCE_DIR}/exercise/check.cpp")
  target_include_directories(${chapter}_exercise_check_objects PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/exercise")
  target_link_libraries(${chapter}_exercise_check_objects PUBLIC mbe::common mbe::testing mbe_exercise_support)
  mbe_use_test_pch(${chapter}_exercise_check_objects)
  set(properties_file "${CMAKE_CURRENT_BINARY_DIR}/${chapter}_exercise_properties.cmake")
  file(WRITE "${properties_file}" "")
  mbe_exercise_check(${chapter}_solutions_check "${MBE_SOURCE_ROOT}/solutions/${folder}/${source}"
    "${chapter}/solution/" "${chapter};solution")
  mbe_exercise_check(${chapter}_exercises_check "${MBE_SOURCE_ROOT}/exercises/${folder}/${source}"
    "exercise/${chapter}/" "exercise" --reporters=mbe_student)  # the student's: no doctest noise
  # (label exercise only, not the chapter's: `ctest -L chNN` proves the chapter
  # and passes on a fresh clone, where the student's exercise does not yet)
  add_dependencies(exercise_checks ${chapter}_exercises_check)
  add_dependencies(exercise_proofs ${chapter}_solutions_check ${chapter}_exercises_check)
  if(MBE_STUDENT)  # the student's file: warnings shown, never fatal
    set_target_properties(${chapter}_exercises_check PROPERTIES COMPILE_WARNING_AS_ERROR OFF)
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${properties_file}")
  add_test(NAME "${chapter}/the exercise stub fails every check"
    COMMAND bash "${MBE_SOURCE_ROOT}/common/testing/expect_every_check_fails.sh"
            "$<TARGET_FILE:${chapter}_exercises_check>")
  set_tests_properties("${chapter}/the exercise stub fails every check" PROPERTIES
    LABELS "${chapter};stub" SKIP_RETURN_CODE 77 TIMEOUT 600 ENVIRONMENT "${MBE_TEST_ENVIRONMENT}")
  # Wrong solutions: solutions/<folder>/wrong/<mistake>.cpp, each the
  # solution with one classic mistake; each must fail a check whose message
  # names the mistake (the file's "// Caught by:" line), on every run.
  set(thread_sanitizer 0)
  if("thread" IN_LIST MBE_SANITIZE)
    set(thread_sanitizer 1)
  endif()
  file(GLOB wrong_solutions CONFIGURE_DEPENDS "${MBE_SOURCE_ROOT}/solutions/${folder}/wrong/*.cpp")
  foreach(wrong IN LISTS wrong_solutions)
    get_filename_component(mistake "${wrong}" NAME_WE)
    set(target "${chapter}_wrong_${mistake}")
    add_executable(${target} "${wrong}")
    target_link_libraries(${target} PRIVATE ${chapter}_exercise_check_objects)
    add_dependencies(exercise_proofs ${target})
    set(name "${chapter}/the wrong solution ${mistake} fails a check")
    add_test(NAME "${name}"
      COMMAND bash "${MBE_SOURCE_ROOT}/common/testing/expect_the_mistake_caught.sh"
              "$<TARGET_FILE:${target}>" "${wrong}" ${thread_sanitizer})
    set_tests_properties("${name}" PROPERTIES
      LABELS "${chapter};wrong" SKIP_RETURN_CODE 77 TIMEOUT 600 ENVIRONMENT "${MBE_TEST_ENVIRONMENT}")
  endforeach()
endfunction()

function(mbe_tour chapter script)
  set(script_path "${CMAKE_CURRENT_SOURCE_DIR}/${script}")
  set_property(GLOBAL APPEND PROPERTY MBE_TOUR_SCRIPTS "${script_path}")
  add_test(NAME "${chapter}/tour"
    COMMAND bash "${MBE_SOURCE_ROOT}/common/tour/run_tour.sh" "${CMAKE_BINARY_DIR}/bin" "${script_path}")
  set_tests_properties("${chapter}/tour" PROPERTIES LABELS "${chapter};tour" TIMEOUT 600
    ENVIRONMENT "${MBE_TEST_ENVIRONMENT}")
endfunction()

function(mbe_add_tour_target)
  get_property(scripts GLOBAL PROPERTY MBE_TOUR_SCRIPTS)
  get_property(programs GLOBAL PROPERTY MBE_PROGRAMS)
  get_property(other_needs GLOBAL PROPERTY MBE_TOUR_DEPENDS)  # e.g. chapter 07's guest kernel
  # Only what the tour runs, so that its first chapter appears without
  # building the tests and exercise checks first.
  add_custom_target(tour_programs DEPENDS ${programs} ${other_needs})
  add_custom_target(tour
    COMMAND bash "${MBE_SOURCE_ROOT}/common/tour/run_tour.sh" "${CMAKE_BINARY_DIR}/bin" ${scripts}
    DEPENDS tour_programs
    USES_TERMINAL
    COMMENT "The tour: every chapter's programs, in order")
endfunction()

function(mbe_add_coverage_target)
  if(NOT MBE_COVERAGE)
    return()
  endif()
  find_program(GCOVR gcovr)
  if(NOT GCOVR)
    message(WARNING "gcovr not found (apt-get install gcovr): no coverage-report target")
    return()
  endif()
  set(gcov_args)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(gcov_args --gcov-executable "llvm-cov gcov")
  endif()
  add_custom_target(coverage-report
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_BINARY_DIR}/coverage"
    COMMAND "${GCOVR}" ${gcov_args} --root "${MBE_SOURCE_ROOT}"
            --object-directory "${CMAKE_BINARY_DIR}"
            --filter "${MBE_SOURCE_ROOT}/common/" --filter "${MBE_SOURCE_ROOT}/chapters/"
            --filter "${MBE_SOURCE_ROOT}/solutions/"
            --exclude ".*_test\\.cpp$"
            --print-summary
            --html-details "${CMAKE_BINARY_DIR}/coverage/index.html"
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    USES_TERMINAL
    COMMENT "Coverage report: ${CMAKE_BINARY_DIR}/coverage/index.html")
endfunction()
