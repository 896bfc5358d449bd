# The MLIR and LLVM libraries dlc links: Debian's static component archives,
# only those the compiler uses, and only the X86 and AArch64 targets.
#
# Why not libMLIR.so/libLLVM.so (257 MB): loading them relocates and runs the
# static constructors of all of LLVM and MLIR, which alone keeps 86 MB
# resident (`dlc --version`), and compiling the MLP peaked at 140 MB. Linked
# statically, `dlc --version` is 32 MB and a compile 82 MB. With lld a link
# takes under a second (GNU ld: ~4 s, ~1 GB).
#
# Sets DLC_MLIR_LIBS and DLC_LLVM_LIBS: everything dlc links, which DLPipeline
# links as a whole; the lower rooms name their own few MLIR libraries. Nothing
# may link the dylibs as well: LLVM's cl::opts would be registered twice.

find_program(DLC_LLD ld.lld)
if(DLC_LLD)
  add_link_options(-fuse-ld=lld)
endif()

# Targets dlc can compile for (--target-triple); Target.cpp initialises the
# same two.
set(DLC_LLVM_TARGETS X86 AArch64)

set(_dlc_llvm_components
  Core Support TargetParser Analysis TransformUtils ScalarOpts InstCombine
  Vectorize ipo Coroutines ObjCARCOpts Instrumentation Passes Target
  CodeGen AsmPrinter SelectionDAG GlobalISel MC MCParser MCDisassembler
  Object BitReader BitWriter IRReader AsmParser IRPrinter Linker
  FrontendOpenMP FrontendOffloading ExecutionEngine OrcJIT OrcShared
  OrcTargetProcess JITLink RuntimeDyld PerfJITEvents)
foreach(t ${DLC_LLVM_TARGETS})
  foreach(k CodeGen AsmParser Desc Info)
    if(TARGET LLVM${t}${k})
      list(APPEND _dlc_llvm_components ${t}${k})
    endif()
  endforeach()
endforeach()
llvm_map_components_to_libnames(DLC_LLVM_LIBS ${_dlc_llvm_components})

# lld's ELF driver, in process: dlc joins the objects of its parallel code
# generators with `ld.lld -r` (SplitCodegen.cpp). Debian's lld archives
# (liblld-22-dev) declare the LLVM dylib as their dependency, so they are
# named here by path with the components they use.
find_library(DLC_LLD_ELF lldELF PATHS ${LLVM_LIBRARY_DIR} NO_DEFAULT_PATH)
find_library(DLC_LLD_COMMON lldCommon PATHS ${LLVM_LIBRARY_DIR} NO_DEFAULT_PATH)
if(NOT DLC_LLD_ELF OR NOT DLC_LLD_COMMON)
  message(FATAL_ERROR "lld's libraries not found in ${LLVM_LIBRARY_DIR}: "
    "install liblld-22-dev (scripts/install-deps.sh)")
endif()
set(DLC_LLD_LIBS ${DLC_LLD_ELF} ${DLC_LLD_COMMON})
foreach(_c LTO DTLTO Plugins Option DebugInfoDWARF DebugInfoDWARFLowLevel
    Demangle)
  find_library(DLC_LLVM_${_c} LLVM${_c} PATHS ${LLVM_LIBRARY_DIR}
    NO_DEFAULT_PATH)
  if(DLC_LLVM_${_c})
    list(APPEND DLC_LLD_LIBS ${DLC_LLVM_${_c}})
  endif()
endforeach()
list(APPEND DLC_LLD_LIBS ${DLC_LLVM_LIBS})

set(DLC_MLIR_LIBS
  MLIRIR MLIRSupport MLIRParser MLIRPass MLIRAnalysis MLIRTransforms
  MLIRTransformUtils MLIROptLib
  MLIRAffineDialect MLIRAffineTransforms MLIRArithDialect MLIRArithTransforms
  MLIRArithValueBoundsOpInterfaceImpl MLIRBufferizationDialect
  MLIRBufferizationTransforms MLIRBufferizationPipelines
  MLIRControlFlowDialect MLIRControlFlowTransforms MLIRFuncDialect
  MLIRFuncTransforms MLIRIndexDialect MLIRLinalgDialect MLIRLinalgTransforms
  MLIRLLVMDialect MLIRMathDialect MLIRMathTransforms MLIRMemRefDialect
  MLIRMemRefTransforms MLIROpenMPDialect MLIRSCFDialect MLIRSCFTransforms
  MLIRTensorDialect MLIRTensorTransforms MLIRTensorTilingInterfaceImpl
  MLIRVectorDialect MLIRVectorTransforms
  MLIRAffineToStandard MLIRArithToLLVM MLIRControlFlowToLLVM MLIRFuncToLLVM
  MLIRIndexToLLVM MLIRMathToLLVM MLIRMemRefToLLVM MLIROpenMPToLLVM
  MLIRSCFToOpenMP MLIRSCFToControlFlow MLIRVectorToLLVM MLIRVectorToLLVMPass
  MLIRReconcileUnrealizedCasts
  MLIRTargetLLVMIRExport MLIRBuiltinToLLVMIRTranslation
  MLIRLLVMToLLVMIRTranslation MLIROpenMPToLLVMIRTranslation
  MLIRExecutionEngine MLIRExecutionEngineUtils)

# Debian's MLIR archives declare their LLVM dependency as the dylib target
# `LLVM` (MLIRExecutionEngine also `MLIR`): point them at the components.
foreach(_t ${MLIR_EXPORTED_TARGETS})
  if(NOT TARGET ${_t})
    continue()
  endif()
  get_target_property(_type ${_t} TYPE)
  get_target_property(_deps ${_t} INTERFACE_LINK_LIBRARIES)
  if(NOT _type STREQUAL "STATIC_LIBRARY" OR NOT _deps)
    continue()
  endif()
  set(_new)
  foreach(_d ${_deps})
    if(_d STREQUAL "LLVM" OR _d STREQUAL "$<LINK_ONLY:LLVM>")
      list(APPEND _new ${DLC_LLVM_LIBS})
    elseif(_d STREQUAL "MLIR")
      list(APPEND _new MLIRBuiltinToLLVMIRTranslation MLIRExecutionEngineUtils
        MLIRLLVMDialect MLIRLLVMToLLVMIRTranslation
        MLIROpenMPToLLVMIRTranslation MLIRTargetLLVMIRExport)
    else()
      list(APPEND _new ${_d})
    endif()
  endforeach()
  set_target_properties(${_t} PROPERTIES INTERFACE_LINK_LIBRARIES "${_new}")
endforeach()
