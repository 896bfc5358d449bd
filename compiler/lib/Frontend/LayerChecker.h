//===- LayerChecker.h - what Sema offers a layer's check --------*- C++ -*-===//
//
// Internal to the frontend. A LayerKind's check sees the statement, the
// shapes of its inputs and these services: binding its option table, the
// common option readers (name, trainable, activation, initialisers), the
// tensor size limit and adding parameters. Sema does the rest (values,
// naming, the parameter layout).
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_LAYERCHECKER_H
#define DL_LIB_FRONTEND_LAYERCHECKER_H

#include "Arguments.h"
#include "Diagnostics.h"

#include "dl/Frontend/AST.h"
#include "dl/Frontend/ModelSpec.h"

#include "llvm/ADT/SmallVector.h"

namespace dlc {

namespace detail {
/// Reports, at `loc`, a tensor whose element count exceeds kMaxElements.
bool checkTensorSize(DiagEngine &diag, llvm::ArrayRef<int64_t> shape,
                     llvm::SMLoc loc, const llvm::Twine &what);
} // namespace detail

class LayerChecker {
public:
  /// `inputShapes` has one entry per input; null where the input failed to
  /// check (the layer then checks its arguments only, and fails quietly).
  LayerChecker(detail::DiagEngine &diag, const ast::LayerStmt &stmt,
               llvm::ArrayRef<const Shape *> inputShapes)
      : diag(diag), stmt(stmt), inputShapes(inputShapes) {}

  detail::DiagEngine &getDiag() { return diag; }
  const ast::LayerStmt &getStmt() const { return stmt; }
  /// The layer's name as written ("dense") and where.
  llvm::StringRef getKind() const { return stmt.layer; }
  llvm::SMLoc getLoc() const { return stmt.layerLoc; }

  /// Whether every input checked; only then may inputShape be called.
  bool inputsOk() const {
    return llvm::all_of(inputShapes, [](const Shape *s) { return s; });
  }
  const Shape &inputShape(unsigned i) const { return *inputShapes[i]; }
  unsigned numInputs() const { return inputShapes.size(); }

  /// Binds the statement's arguments to `options` (see bindArguments).
  bool bind(llvm::ArrayRef<detail::OptionInfo> options,
            llvm::ArrayRef<llvm::StringRef> notYet,
            llvm::SmallVectorImpl<const ast::Arg *> &bound) {
    return detail::bindArguments(diag, stmt.layer, stmt.layerLoc, stmt.args,
                                 options, notYet, bound);
  }

  /// The common options; each does nothing for a null argument.
  bool readName(const ast::Arg *arg);
  bool readTrainable(const ast::Arg *arg, LayerSpec &layer);
  /// `option` names the argument in messages (lstm's
  /// "recurrent_activation").
  bool readActivation(const ast::Arg *arg, LayerSpec &layer,
                      llvm::StringRef option = "activation");
  /// Sets the activation with index `choice` in activationNames() and its
  /// Keras default parameter.
  void setActivation(unsigned choice, LayerSpec &layer);
  /// Softmax and log_softmax need a per-sample vector (called by Sema once
  /// the output shape is known).
  bool checkActivationRank(const LayerSpec &layer);
  bool readInitializer(const ast::Arg *arg, llvm::StringRef option,
                       Initializer &out);
  /// `l1(0.01)`, `l2(l2 = 0.01)`, `l1_l2(l1 = .., l2 = ..)` or a bare or
  /// quoted name (Keras's defaults).
  bool readRegularizer(const ast::Arg *arg, llvm::StringRef option,
                       Regularizer &out);
  /// A positive integer (for both axes) or a pair `[a, b]` of them, as
  /// Keras's pool_size, strides and kernel_size.
  bool readSizePair(const ast::Arg *arg, llvm::StringRef option,
                    int64_t (&out)[2]);

  /// Reports a tensor whose element count exceeds kMaxElements.
  bool checkSize(llvm::ArrayRef<int64_t> shape, const llvm::Twine &what) {
    return detail::checkTensorSize(diag, shape, stmt.layerLoc, what);
  }

  /// Adds a parameter "<layer name>.<suffix>" of the layer being checked.
  void addParam(const char *suffix, Shape shape, Initializer init,
                bool trainable, Regularizer regularizer = {}) {
    params.push_back({suffix, std::move(shape), init, trainable, regularizer});
  }
  /// Sets elements [begin, begin + count) of the last parameter added to 1
  /// at initialisation (lstm's unit_forget_bias).
  void setOnesAtInit(int64_t begin, int64_t count) {
    params.back().onesBegin = begin;
    params.back().onesCount = count;
  }
  /// Adds a statistic "<layer name>.<suffix>" that the training step
  /// updates without a gradient (non-trainable, as Keras counts it).
  void addStateParam(const char *suffix, Shape shape, Initializer init) {
    params.push_back({suffix, std::move(shape), init, false, {}, true});
  }

  /// Read by Sema once the check succeeded.
  struct PendingParam {
    const char *suffix;
    Shape shape;
    Initializer init;
    bool trainable;
    Regularizer regularizer;
    bool state = false;
    int64_t onesBegin = 0, onesCount = 0;
  };
  std::vector<PendingParam> params;
  std::string explicitName; ///< name=, empty for an automatic name
  llvm::SMLoc explicitNameLoc;
  llvm::SMLoc activationLoc; ///< Where the activation was named, if it was.

private:
  detail::DiagEngine &diag;
  const ast::LayerStmt &stmt;
  llvm::ArrayRef<const Shape *> inputShapes;
};

namespace detail {
/// Layer names that are planned but not registered yet ("not supported yet").
llvm::SmallVector<llvm::StringRef> plannedLayerNames();
/// Activation names (the enum's order, then aliases) and initialiser names.
llvm::ArrayRef<llvm::StringRef> activationNames();
llvm::ArrayRef<llvm::StringRef> initializerNames();
} // namespace detail

} // namespace dlc

#endif // DL_LIB_FRONTEND_LAYERCHECKER_H
