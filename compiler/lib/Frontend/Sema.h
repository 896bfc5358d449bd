//===- Sema.h - pieces of checkModel shared between files -------*- C++ -*-===//
//
// Internal to the frontend.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_SEMA_H
#define DL_LIB_FRONTEND_SEMA_H

#include "Diagnostics.h"

#include "dl/Frontend/AST.h"
#include "dl/Frontend/ModelSpec.h"

#include <optional>

namespace dlc::detail {

/// A checked train block, plus where its loss was written.
struct CheckedTrain {
  TrainSpec spec;
  llvm::SMLoc lossLoc;
};

/// Checks `train { ... }`, filling Keras's defaults for what is not written.
std::optional<CheckedTrain> checkTrainBlock(const ast::TrainBlock &block,
                                            DiagEngine &diag);

/// Warns about a loss that disagrees with the output activation, e.g.
/// from_logits = true after a softmax.
void lintLossAgainstOutput(const CheckedTrain &train, const ModelSpec &spec,
                           DiagEngine &diag);

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_SEMA_H
