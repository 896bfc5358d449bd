//===- LldStubs.cpp - the targets lld's driver names but dlc does not link ===//
//
// lld's ELF driver calls llvm::InitializeAllTargets() for link-time
// optimisation of bitcode inputs. dlc links only the X86 and AArch64 targets
// (cmake/StaticLLVM.cmake) and gives lld only native objects, so the other
// targets' initialisers are empty here: registering nothing, as a build of
// LLVM without them would.
//
// Debian's LLVM links Polly into the pass pipelines it builds for LTO; dlc
// does not link Polly, and lld never builds such a pipeline for dlc.
//
//===----------------------------------------------------------------------===//
#include "llvm/Plugins/PassPlugin.h"

llvm::PassPluginLibraryInfo getPollyPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "polly (not linked into dlc)", "", nullptr};
}

extern "C" {
void LLVMInitializeAMDGPUTargetInfo() {}
void LLVMInitializeAMDGPUTarget() {}
void LLVMInitializeAMDGPUTargetMC() {}
void LLVMInitializeAMDGPUAsmPrinter() {}
void LLVMInitializeAMDGPUAsmParser() {}
void LLVMInitializeARMTargetInfo() {}
void LLVMInitializeARMTarget() {}
void LLVMInitializeARMTargetMC() {}
void LLVMInitializeARMAsmPrinter() {}
void LLVMInitializeARMAsmParser() {}
void LLVMInitializeAVRTargetInfo() {}
void LLVMInitializeAVRTarget() {}
void LLVMInitializeAVRTargetMC() {}
void LLVMInitializeAVRAsmPrinter() {}
void LLVMInitializeAVRAsmParser() {}
void LLVMInitializeBPFTargetInfo() {}
void LLVMInitializeBPFTarget() {}
void LLVMInitializeBPFTargetMC() {}
void LLVMInitializeBPFAsmPrinter() {}
void LLVMInitializeBPFAsmParser() {}
void LLVMInitializeHexagonTargetInfo() {}
void LLVMInitializeHexagonTarget() {}
void LLVMInitializeHexagonTargetMC() {}
void LLVMInitializeHexagonAsmPrinter() {}
void LLVMInitializeHexagonAsmParser() {}
void LLVMInitializeLanaiTargetInfo() {}
void LLVMInitializeLanaiTarget() {}
void LLVMInitializeLanaiTargetMC() {}
void LLVMInitializeLanaiAsmPrinter() {}
void LLVMInitializeLanaiAsmParser() {}
void LLVMInitializeLoongArchTargetInfo() {}
void LLVMInitializeLoongArchTarget() {}
void LLVMInitializeLoongArchTargetMC() {}
void LLVMInitializeLoongArchAsmPrinter() {}
void LLVMInitializeLoongArchAsmParser() {}
void LLVMInitializeM68kTargetInfo() {}
void LLVMInitializeM68kTarget() {}
void LLVMInitializeM68kTargetMC() {}
void LLVMInitializeM68kAsmPrinter() {}
void LLVMInitializeM68kAsmParser() {}
void LLVMInitializeMSP430TargetInfo() {}
void LLVMInitializeMSP430Target() {}
void LLVMInitializeMSP430TargetMC() {}
void LLVMInitializeMSP430AsmPrinter() {}
void LLVMInitializeMSP430AsmParser() {}
void LLVMInitializeMipsTargetInfo() {}
void LLVMInitializeMipsTarget() {}
void LLVMInitializeMipsTargetMC() {}
void LLVMInitializeMipsAsmPrinter() {}
void LLVMInitializeMipsAsmParser() {}
void LLVMInitializeNVPTXTargetInfo() {}
void LLVMInitializeNVPTXTarget() {}
void LLVMInitializeNVPTXTargetMC() {}
void LLVMInitializeNVPTXAsmPrinter() {}
void LLVMInitializeNVPTXAsmParser() {}
void LLVMInitializePowerPCTargetInfo() {}
void LLVMInitializePowerPCTarget() {}
void LLVMInitializePowerPCTargetMC() {}
void LLVMInitializePowerPCAsmPrinter() {}
void LLVMInitializePowerPCAsmParser() {}
void LLVMInitializeRISCVTargetInfo() {}
void LLVMInitializeRISCVTarget() {}
void LLVMInitializeRISCVTargetMC() {}
void LLVMInitializeRISCVAsmPrinter() {}
void LLVMInitializeRISCVAsmParser() {}
void LLVMInitializeSPIRVTargetInfo() {}
void LLVMInitializeSPIRVTarget() {}
void LLVMInitializeSPIRVTargetMC() {}
void LLVMInitializeSPIRVAsmPrinter() {}
void LLVMInitializeSPIRVAsmParser() {}
void LLVMInitializeSparcTargetInfo() {}
void LLVMInitializeSparcTarget() {}
void LLVMInitializeSparcTargetMC() {}
void LLVMInitializeSparcAsmPrinter() {}
void LLVMInitializeSparcAsmParser() {}
void LLVMInitializeSystemZTargetInfo() {}
void LLVMInitializeSystemZTarget() {}
void LLVMInitializeSystemZTargetMC() {}
void LLVMInitializeSystemZAsmPrinter() {}
void LLVMInitializeSystemZAsmParser() {}
void LLVMInitializeVETargetInfo() {}
void LLVMInitializeVETarget() {}
void LLVMInitializeVETargetMC() {}
void LLVMInitializeVEAsmPrinter() {}
void LLVMInitializeVEAsmParser() {}
void LLVMInitializeWebAssemblyTargetInfo() {}
void LLVMInitializeWebAssemblyTarget() {}
void LLVMInitializeWebAssemblyTargetMC() {}
void LLVMInitializeWebAssemblyAsmPrinter() {}
void LLVMInitializeWebAssemblyAsmParser() {}
void LLVMInitializeXCoreTargetInfo() {}
void LLVMInitializeXCoreTarget() {}
void LLVMInitializeXCoreTargetMC() {}
void LLVMInitializeXCoreAsmPrinter() {}
void LLVMInitializeXCoreAsmParser() {}
void LLVMInitializeXtensaTargetInfo() {}
void LLVMInitializeXtensaTarget() {}
void LLVMInitializeXtensaTargetMC() {}
void LLVMInitializeXtensaAsmPrinter() {}
void LLVMInitializeXtensaAsmParser() {}
}
