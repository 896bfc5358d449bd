# -*- Python -*-
import os
import platform

import lit.formats
from lit.llvm import llvm_config

config.name = "dlc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".dl", ".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_obj_root, "test")

llvm_config.use_default_substitutions()  # FileCheck, not, count, ...
llvm_config.add_tool_substitutions(["dlc", "dl-opt"], [config.dlc_tools_dir])
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%python", config.python_torch))
config.substitutions.append(("%examples", os.path.join(config.dlc_src_root, "examples")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "e2e", "Inputs")))
config.substitutions.append(("%dlrt_include", os.path.join(config.dlc_src_root, "runtime", "include")))
# The runtime is C++ inside: a C program linking it also needs these.
config.substitutions.append(("%dlrt_libs", os.path.join(config.dlc_obj_root, "lib", "libdlrt.a") + " -lz -lstdc++ -lm"))
config.substitutions.append(("%dlc_build", config.dlc_obj_root))
# LLVM's OpenMP runtime, for objects compiled with dlc --parallel.
config.substitutions.append(("%libomp", "-L{0} -lomp -Wl,-rpath,{0}".format(config.llvm_lib_dir)))
config.substitutions.append(("%fashion_mnist", "/usr/share/datasets/fashion-mnist"))
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# Every test compiles its models: the compiled-model cache is off unless a
# test (test/Driver/cache*.test) turns it on in a directory of its own.
config.environment["DLC_CACHE_DIR"] = "off"

# dlc train under mpirun (test/e2e/distributed-*): only when dlc was built
# with MPI; otherwise those tests are unsupported, not passed. CI may run as
# root, which Open MPI refuses without these.
if config.dlc_have_mpi == "ON" and config.mpiexec:
    config.available_features.add("mpi")
    config.substitutions.append(("%mpirun", config.mpiexec + " --oversubscribe"))
    config.environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    config.environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
else:
    config.available_features.add("no-mpi")

# Tests that run code compiled for an older x86 CPU (--mcpu=haswell) need the
# host to have its features.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((l.split(":", 1)[1].split() for l in cpuinfo
                      if l.startswith("flags")), [])
except OSError:
    flags = []
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("host-x86_64")
if {"avx2", "fma", "bmi2"} <= set(flags):
    config.available_features.add("host-avx2")
