# Warnings for dlc's own code: the compiler, dialect, runtime, tools and
# tests. LLVM/MLIR headers are SYSTEM includes, so their warnings stay quiet.
#
# -Werror=switch is on in every build: a switch over an enum that misses a
# case (a new op kind, token, loss...) must not compile anywhere.
# -Wswitch-enum is not used: it also flags switches with a `default:`, which
# the code uses on purpose for "everything else". -Wno-unused-parameter as in
# LLVM's own build: overrides and ODS-generated code (the .inc files our
# sources include) name parameters they do not use.
#
# DLC_WERROR turns every other warning into an error too; scripts/build.sh
# sets it when CI=true, so CI stays warning-free while a local build with a
# newer compiler (new warnings) still builds.

option(DLC_WERROR "Treat compiler warnings as errors" OFF)

add_compile_options(-Wall -Wextra -Wno-unused-parameter -Wimplicit-fallthrough
  -Werror=switch)
# GCC's -Wredundant-move flags LLVM's idiom `return std::move(Err);` where the
# function returns Expected<T> (LLVM's own build turns it off for GCC too;
# clang's version only fires where the types match).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-redundant-move>)
endif()
if(DLC_WERROR)
  add_compile_options(-Werror)
endif()
