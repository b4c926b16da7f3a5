# libFuzzer targets, built by clang++ whatever compiler builds the rest.
#
#   mbe_fuzz_target(ch05 fuzz_record_scan SOURCES a.cpp b.cpp
#                   [SEEDS producer-program | SEED_DIR dir] [SECONDS 5])
#       -> bin/ch05_fuzz_record_scan (when clang++ can link -fsanitize=fuzzer)
#          and a test "ch05/fuzz_record_scan" that fuzzes for SECONDS seconds,
#          starting from a corpus made by running bin/ch05_<SEEDS>, or from the
#          files in SEED_DIR (relative to the chapter's sources); without the
#          fuzzer runtime, or with MBE_FUZZERS OFF (the asan, tsan and
#          optimised presets - tour, ci, filesystems - whose test presets, where
#          they have one, leave out the label fuzz: the fuzzers' flags are
#          their own whatever the preset, and dev builds and runs them),
#          nothing is built and the test prints why and is skipped (exit 77).
include_guard(GLOBAL)

find_program(MBE_CLANGXX NAMES clang++ clang++-14 DOC "clang++ for the libFuzzer targets")
if(MBE_FUZZERS AND MBE_CLANGXX AND NOT DEFINED CACHE{MBE_FUZZER_WORKS})
  set(probe_dir "${CMAKE_BINARY_DIR}/fuzzer-probe")
  file(WRITE "${probe_dir}/probe.cpp"
    "#include <cstddef>\n#include <cstdint>\n"
    "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
  execute_process(
    COMMAND "${MBE_CLANGXX}" -fsanitize=fuzzer "${probe_dir}/probe.cpp" -o "${probe_dir}/probe"
    RESULT_VARIABLE probe_result OUTPUT_QUIET ERROR_QUIET)
  if(probe_result EQUAL 0)
    set(MBE_FUZZER_WORKS ON CACHE INTERNAL "clang++ links -fsanitize=fuzzer")
  else()
    set(MBE_FUZZER_WORKS OFF CACHE INTERNAL "clang++ links -fsanitize=fuzzer")
  endif()
endif()
if(NOT MBE_FUZZERS)
  set(MBE_FUZZER_SKIP_REASON
      "MBE_FUZZERS is OFF (the asan, tsan and optimised presets): the others, dev among them, build the fuzzers, with ASan and UBSan, and run them")
elseif(NOT MBE_CLANGXX)
  set(MBE_FUZZER_SKIP_REASON "clang++ is not installed (apt-get install clang libclang-rt-14-dev)")
elseif(NOT MBE_FUZZER_WORKS)
  set(MBE_FUZZER_SKIP_REASON
      "clang++ cannot link -fsanitize=fuzzer: the runtime is missing (apt-get install libclang-rt-14-dev)")
endif()

function(mbe_fuzz_target chapter name)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "SEEDS;SEED_DIR;SECONDS" "SOURCES")
  if(NOT arg_SECONDS)
    set(arg_SECONDS 5)
  endif()
  set(target "${chapter}_${name}")
  set(output "${CMAKE_BINARY_DIR}/bin/${target}")
  set(seed_program "")
  if(arg_SEEDS)
    set(seed_program "$<TARGET_FILE:${chapter}_${arg_SEEDS}>")
  elseif(arg_SEED_DIR)
    set(seed_program "${CMAKE_CURRENT_SOURCE_DIR}/${arg_SEED_DIR}")
  endif()
  if(MBE_FUZZER_SKIP_REASON)
    add_test(NAME "${chapter}/${name}"
      COMMAND bash "${MBE_SOURCE_ROOT}/common/testing/run_fuzzer.sh" --skip "${MBE_FUZZER_SKIP_REASON}")
  else()
    list(TRANSFORM arg_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/")
    add_custom_command(OUTPUT "${output}"
      COMMAND "${MBE_CLANGXX}" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined
              -fno-sanitize-recover=all -I "${CMAKE_CURRENT_SOURCE_DIR}"
              -I "${MBE_SOURCE_ROOT}/common/include"
              -MD -MF "${CMAKE_CURRENT_BINARY_DIR}/${target}.d"
              ${arg_SOURCES} -o "${output}"
      DEPENDS ${arg_SOURCES}
      DEPFILE "${CMAKE_CURRENT_BINARY_DIR}/${target}.d"
      COMMENT "Building the libFuzzer target ${target} with clang++"
      VERBATIM)
    add_custom_target(${target} ALL DEPENDS "${output}")
    add_test(NAME "${chapter}/${name}"
      COMMAND bash "${MBE_SOURCE_ROOT}/common/testing/run_fuzzer.sh"
              "${output}" "${arg_SECONDS}" ${seed_program})
  endif()
  set_tests_properties("${chapter}/${name}" PROPERTIES
    LABELS "${chapter};fuzz" SKIP_RETURN_CODE 77 TIMEOUT 600 COST 10)  # SECONDS and more: early
endfunction()
