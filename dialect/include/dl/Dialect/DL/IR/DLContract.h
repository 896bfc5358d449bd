//===- DLContract.h - what the dl dialect promises its producers -*- C++
//-*-===//
//
// The model contract between MLIRGen, the dialect's passes and the C ABI:
// the names of the model functions and of the discardable `dl.*` attributes
// that mark their arguments and results. The dialect owns them (and verifies
// them, see DLDialect.cpp) so that no lower layer includes the frontend.
//
//===----------------------------------------------------------------------===//
#ifndef DL_DIALECT_DL_IR_DLCONTRACT_H
#define DL_DIALECT_DL_IR_DLCONTRACT_H

namespace mlir::dl {

/// Names of the model functions MLIRGen creates and the exporter reads.
inline constexpr const char *kForwardFunc = "forward";
inline constexpr const char *kInitFunc = "init_params";
inline constexpr const char *kLossFunc = "loss";
inline constexpr const char *kGradientsFunc = "gradients";
inline constexpr const char *kTrainStepFunc = "train_step";
/// train_step split at the allreduce (dl-optimizer makes them beside
/// train_step, named after it): the step's gradients, and the update.
inline constexpr const char *kTrainGradientsSuffix = "_gradients";
inline constexpr const char *kApplyGradientsSuffix = "_apply";
/// The learning-rate schedule of @loss's kScheduleAttr, if any.
inline constexpr const char *kScheduleFunc = "lr_schedule";

/// Argument attribute naming a parameter (its checkpoint name).
inline constexpr const char *kParamAttr = "dl.param";
/// Argument attribute marking a parameter frozen (trainable = false).
inline constexpr const char *kFrozenAttr = "dl.frozen";
/// Argument attribute naming the model input.
inline constexpr const char *kInputAttr = "dl.input";
/// Argument attribute marking the training targets (labels).
inline constexpr const char *kTargetsAttr = "dl.targets";
/// Argument attribute of the training key, a tensor<i64> that the random
/// training-form ops (dl.dropout) read. @forward and @loss have it only when
/// the model has such an op; dl-optimizer derives it per step from the "seed"
/// and "step" state, dl-export-abi binds it to a fixed key elsewhere.
inline constexpr const char *kKeyAttr = "dl.key";
/// The dl.state of the seed slot: 4 floats holding the seed's 16-bit words,
/// low first (see kOptStateSeedOffset in DLEntryPoints.h).
inline constexpr const char *kSeedSlot = "seed";
/// Floats of the seed slot: 16 bits each, so every value is an exact,
/// finite float.
inline constexpr int kSeedWords = 4;
/// Argument/result attribute of optimizer state ("step", "m:dense.kernel").
inline constexpr const char *kStateAttr = "dl.state";
/// Result attribute of a metric computed with the loss ("correct").
inline constexpr const char *kMetricAttr = "dl.metric";
/// The dl.metric value of the accuracy count: the number of samples whose
/// prediction is right (metrics[1] of the C entry points).
inline constexpr const char *kCorrectMetric = "correct";
/// The dl.metric values of the mean absolute and mean squared error of the
/// batch's predictions (metrics[2] and metrics[3]; with either, both).
inline constexpr const char *kAbsErrorMetric = "mae";
inline constexpr const char *kSquaredErrorMetric = "mse";
/// Floats of the C entry points' metrics: loss and correct, then mae and
/// mse where the model measures them.
inline constexpr int metricsSize(bool errors) { return errors ? 4 : 2; }
/// Result (or, in apply_gradients, argument) attribute of a gradient: the
/// parameter it belongs to.
inline constexpr const char *kGradOfAttr = "dl.grad_of";
/// Result attribute of @loss naming a frozen parameter that the training
/// step overwrites with this result (batch normalisation's moving mean and
/// variance): dl-autodiff passes it through, dl-optimizer returns it as that
/// parameter's new value next to the optimizer's updates, and the entry
/// points that infer ignore it. Such a parameter gets no gradient.
inline constexpr const char *kUpdateOfAttr = "dl.update_of";
/// Module attributes of `dlc --weights`: the flat parameter vector to bake
/// into the object, and whether it stays writable.
inline constexpr const char *kWeightsAttr = "dl.weights";
inline constexpr const char *kWritableWeightsAttr = "dl.weights_writable";
/// Function attributes of @loss: the names dl-autodiff and dl-optimizer give
/// the functions they derive, and the optimizer (see DLAttrs.td).
inline constexpr const char *kGradientAttr = "dl.gradient";
inline constexpr const char *kTrainStepAttr = "dl.train_step";
inline constexpr const char *kOptimizerAttr = "dl.optimizer";
/// Optional function attributes of @loss (positive f32 FloatAttrs): what
/// Keras's optimizer base class does around every optimizer's update. The
/// gradients are clipped (at most one of the three), then each trainable
/// parameter decays by learning_rate x weight_decay, then the update runs.
inline constexpr const char *kClipnormAttr = "dl.clipnorm";
inline constexpr const char *kClipvalueAttr = "dl.clipvalue";
inline constexpr const char *kGlobalClipnormAttr = "dl.global_clipnorm";
inline constexpr const char *kWeightDecayAttr = "dl.weight_decay";
/// Optional function attributes of @loss for a learning rate that changes
/// at run time. kScheduleAttr names a function (tensor<f32>) -> tensor<f32>
/// of the step counter (a Keras LearningRateSchedule, e.g. one
/// dl.cosine_decay) that dl-optimizer evaluates in every step instead of the
/// optimizer's constant rate. kLearningRateStateAttr (a unit attribute,
/// Keras's ReduceLROnPlateau) makes the rate a value in opt_state that the
/// host may change between steps. Either gives train_step the state slot
/// kLearningRateSlot.
inline constexpr const char *kScheduleAttr = "dl.lr_schedule";
inline constexpr const char *kLearningRateStateAttr = "dl.lr_state";
/// The dl.state of the learning-rate slot: one float, the current rate
/// (see kOptStateLearningRateOffset in DLEntryPoints.h).
inline constexpr const char *kLearningRateSlot = "learning_rate";

/// Function attribute dl-export-abi puts on every C entry point it creates: a
/// StringAttr holding the symbol's suffix after `<prefix>_` ("predict"; after
/// dl-workspace also "predict_ws", "predict_workspace_size"). Later passes
/// find entry points by it, not by their names (see DLEntryPoints.h).
inline constexpr const char *kEntryAttr = "dl.entry";

} // namespace mlir::dl

#endif // DL_DIALECT_DL_IR_DLCONTRACT_H
