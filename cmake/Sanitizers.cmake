# DLC_FUZZ: libFuzzer targets (test/fuzz), clang only; every library is
# built with the fuzzer's coverage instrumentation, ASan and UBSan.
# DLC_SANITIZE: ASan + UBSan over everything dlc builds (scripts/sanitize.sh).
# Both abort on the first UBSan report, so a test run cannot pass over one.
option(DLC_FUZZ "Build the libFuzzer targets (clang only) with ASan and UBSan" OFF)
option(DLC_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

set(DLC_SANITIZER_FLAGS "")
if(DLC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DLC_FUZZ needs clang (CC=clang-22 CXX=clang++-22)")
  endif()
  set(DLC_SANITIZER_FLAGS "-fsanitize=fuzzer-no-link,address,undefined")
elseif(DLC_SANITIZE)
  set(DLC_SANITIZER_FLAGS "-fsanitize=address,undefined")
endif()
if(DLC_SANITIZER_FLAGS)
  # LLVM is built without RTTI, so UBSan's vptr check cannot run.
  string(APPEND DLC_SANITIZER_FLAGS
    " -fno-sanitize-recover=all -fno-sanitize=vptr -fno-omit-frame-pointer -g")
  string(APPEND CMAKE_C_FLAGS " ${DLC_SANITIZER_FLAGS}")
  string(APPEND CMAKE_CXX_FLAGS " ${DLC_SANITIZER_FLAGS}")
  string(APPEND CMAKE_EXE_LINKER_FLAGS " ${DLC_SANITIZER_FLAGS}")
  string(APPEND CMAKE_SHARED_LINKER_FLAGS " ${DLC_SANITIZER_FLAGS}")
  # These builds are for finding bugs: dlc verifies the IR after every MLIR
  # pass in them, as with --verify-each (release builds skip it for speed).
  add_compile_definitions(DLC_VERIFY_EACH_DEFAULT=1)
endif()
