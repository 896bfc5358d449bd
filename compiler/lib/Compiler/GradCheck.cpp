//===- GradCheck.cpp - `dlc gradcheck`
//-------------------------------------===//
//
// For a sample of elements of every parameter tensor, the analytic gradient
// of the batch's mean loss (the model's `gradients` entry point at the full
// batch) is compared with finite differences of the loss. Two things make
// finite differences of a float32 model unreliable, and both are handled per
// sample rather than on the batch's loss:
//
// * Rounding. The batch's loss is one float32 number; its rounding does not
//   shrink with the batch while the mean gradient does (per-sample gradients
//   partly cancel), so the error of a difference quotient grows with the
//   batch. Instead every sample's loss is evaluated alone (`eval_step` at
//   batch 1) at 33 evenly spaced points p + t, t in [-h, h]; a cubic is fitted
//   to each sample's curve by least squares and the slopes are summed in
//   double. The rounding noise then averages out across samples like the
//   gradient does, and each fit's residual gives its own standard error.
// * Kinks. A ReLU pre-activation crossing 0, or a max changing its winner,
//   bends one sample's curve inside [-h, h]; no cubic follows it, so the
//   fit's residual is far above that sample's rounding level. Such a sample's
//   slope is not used: its own analytic gradient (`gradients` at batch 1)
//   stands in for it, so the rest of the batch is still checked. An element
//   where more than half the samples bend is discarded (and counted).
//
// The error of a tensor is max_i (|analytic_i - numeric_i| - 4 se_i) / scale:
// the part of the difference that the finite differences' own noise (se_i,
// from the fits' residuals) does not explain, relative to the tensor's
// gradient scale (max_i |grad_i|), so that elements whose gradient is near
// zero do not turn rounding noise into huge ratios.
//
// A model whose training form mixes the samples (batch_normalization's batch
// statistics) has no per-sample loss: there the whole batch's loss is the
// one curve fitted per element, and the whole batch's gradient stands in
// for a bent one.
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/GradCheck.h"
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/Jit.h"
#include "dl/Dialect/DL/IR/DLContract.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

namespace dlc {
namespace {

constexpr int kHalf = 16; // 2 * kHalf + 1 points per element
constexpr int kPoints = 2 * kHalf + 1;
/// A sample's fit is taken as smooth when its largest residual is within
/// this many float32 ulps of its loss: rounding of the loss and of the few
/// values it is computed from (a log-sum-exp, a mean) stays well below it,
/// while a kink of any slope change that matters leaves far more.
constexpr double kKinkUlps = 32;
/// Differences within this many standard errors of the finite differences
/// are attributed to their noise.
constexpr double kSigmas = 4;

/// The least-squares cubic y = c0 + c1 u + c2 u^2 + c3 u^3 through points
/// at fixed abscissae: the pseudo-inverse (rows: coefficients) and the
/// variance factor of c1, so each sample's fit is a few dot products.
struct CubicFit {
  double u[kPoints];
  double pinv[4][kPoints];
  double var1; ///< (A^T A)^-1 [1][1]

  explicit CubicFit(const double *abscissae) {
    std::copy(abscissae, abscissae + kPoints, u);
    double ata[4][8] = {}; // [A^T A | I], reduced to [I | (A^T A)^-1]
    for (int k = 0; k < kPoints; ++k) {
      double pw[4] = {1, u[k], u[k] * u[k], u[k] * u[k] * u[k]};
      for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c)
          ata[r][c] += pw[r] * pw[c];
    }
    for (int r = 0; r < 4; ++r)
      ata[r][4 + r] = 1;
    // Gauss-Jordan; A^T A is symmetric positive definite (33 distinct u).
    for (int r = 0; r < 4; ++r) {
      double d = ata[r][r];
      for (int c = 0; c < 8; ++c)
        ata[r][c] /= d;
      for (int q = 0; q < 4; ++q) {
        if (q == r)
          continue;
        double f = ata[q][r];
        for (int c = 0; c < 8; ++c)
          ata[q][c] -= f * ata[r][c];
      }
    }
    var1 = ata[1][5];
    for (int r = 0; r < 4; ++r)
      for (int k = 0; k < kPoints; ++k) {
        double pw[4] = {1, u[k], u[k] * u[k], u[k] * u[k] * u[k]};
        double acc = 0;
        for (int c = 0; c < 4; ++c)
          acc += ata[r][4 + c] * pw[c];
        pinv[r][k] = acc;
      }
  }

  struct Result {
    double slope;    ///< c1, per unit of u
    double maxResid; ///< largest |y - fit|
    double slopeVar; ///< variance of c1 from the residuals
  };
  Result fit(const double *y) const {
    // Relative to the centre, so that a flat curve has a slope of exactly 0
    // rather than the rounding of the pseudo-inverse times the loss.
    double c[4] = {};
    for (int r = 0; r < 4; ++r)
      for (int k = 0; k < kPoints; ++k)
        c[r] += pinv[r][k] * (y[k] - y[kHalf]);
    double maxResid = 0, rss = 0;
    for (int k = 0; k < kPoints; ++k) {
      double f = c[0] + u[k] * (c[1] + u[k] * (c[2] + u[k] * c[3]));
      double e = y[k] - y[kHalf] - f;
      maxResid = std::max(maxResid, std::fabs(e));
      rss += e * e;
    }
    return {c[1], maxResid, rss / (kPoints - 4) * var1};
  }
};

/// The spacing of float32 values around |x|.
double ulpOf(double x) {
  float f = std::fabs(float(x));
  if (!std::isfinite(f))
    return INFINITY;
  return double(std::nextafter(f, INFINITY)) - double(f);
}

/// The length a model with a variable axis is checked at: more than one
/// step, so the recurrence's gradients are not zero.
constexpr int64_t kGradCheckLength = 3;

/// One gradient check at one batch size and seed; returns true if OK.
bool checkOnce(const JitModel &m, const GradCheckOptions &o, int64_t batch,
               uint64_t seed) {
  const ModelSpec &spec = m.spec();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> params(spec.numParams());
  m.initParams(params.data(), seed);
  // A variable axis (f32[?, F], and the output's with return_sequences)
  // is checked at kGradCheckLength steps.
  auto size = [](const Shape &shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d < 0 ? kGradCheckLength : d;
    return n;
  };
  const int64_t inSize = size(spec.inputShape());
  const int64_t outSize = size(spec.outputShape());
  if (m.variableLength())
    m.setLength(kGradCheckLength);
  std::vector<float> x(batch * inSize);
  for (float &v : x)
    v = unit(rng);
  std::vector<int32_t> labels(batch);
  std::vector<float> targets(batch * outSize);
  const bool oneHot =
      spec.train->loss->getTargets() == TargetKind::Distribution;
  for (int64_t b = 0; b < batch; ++b) {
    int32_t c = int32_t(rng() % uint64_t(outSize));
    labels[b] = c;
    for (int64_t k = 0; k < outSize; ++k)
      targets[b * outSize + k] = oneHot ? (k == c ? 1.0f : 0.0f) : unit(rng);
  }
  const bool sparse = m.sparseLabels();
  auto targetsOf = [&](int64_t s) -> const void * {
    return sparse ? static_cast<const void *>(labels.data() + s)
                  : static_cast<const void *>(targets.data() + s * outSize);
  };

  // The debugging aid that proves the check can fail: a wrong gradient, as a
  // wrong VJP would give, for the first trainable tensor.
  const ParamSpec *perturbed = nullptr;
  if (o.debugPerturbGradient != 0)
    for (const ParamSpec &p : spec.params)
      if (p.trainable) {
        perturbed = &p;
        break;
      }
  auto gradientsAt = [&](int64_t first, int64_t count, float *g) {
    m.gradients(params.data(), x.data() + first * inSize, targetsOf(first),
                count, g);
    if (perturbed)
      for (int64_t i = 0; i < perturbed->numElements(); ++i)
        g[perturbed->offset + i] *= float(1 + o.debugPerturbGradient);
  };
  std::vector<float> grads(params.size());
  // With batch statistics (batch_normalization) a sample's loss depends on
  // the whole batch: the batch's loss is differentiated as one unit.
  const bool coupled = spec.couplesBatch();
  const int64_t units = coupled ? 1 : batch;
  // A dropout mask is keyed by the element's place in the batch, and every
  // finite difference evaluates one sample at batch 1: with a layer that has
  // a training form, the batch's gradient is the mean of the samples' own
  // (batch 1) gradients, so each sample is differentiated with the mask its
  // finite differences see.
  if (coupled || !spec.hasTrainingForm()) {
    gradientsAt(0, batch, grads.data());
  } else {
    std::vector<float> sampleGrads(params.size());
    std::vector<double> sum(params.size(), 0.0);
    for (int64_t s = 0; s < batch; ++s) {
      gradientsAt(s, 1, sampleGrads.data());
      for (size_t i = 0; i < sum.size(); ++i)
        sum[i] += sampleGrads[i];
    }
    for (size_t i = 0; i < sum.size(); ++i)
      grads[i] = float(sum[i] / double(batch));
  }

  auto sampleLoss = [&](int64_t s) {
    float metrics[mlir::dl::metricsSize(true)];
    if (coupled)
      m.evalStep(params.data(), x.data(), targetsOf(0), batch, metrics);
    else
      m.evalStep(params.data(), x.data() + s * inSize, targetsOf(s), 1,
                 metrics);
    return double(metrics[0]);
  };
  float batchMetrics[mlir::dl::metricsSize(true)];
  m.evalStep(params.data(), x.data(), targetsOf(0), batch, batchMetrics);
  double meanLoss = 0;
  for (int64_t s = 0; s < units; ++s)
    meanLoss += sampleLoss(s);
  meanLoss /= double(units);

  llvm::outs() << fmt::format(
      "gradcheck {}: loss {} = {:.6f}, batch {}, seed {}, h = {:g}, up to {} "
      "elements per tensor\n",
      spec.name, spec.train->loss->getName().str(), batchMetrics[0], batch,
      seed, o.step, o.samples);
  bool ok = true;
  // The per-sample decomposition holds only if the batch's loss is the mean
  // of the samples' losses; a difference beyond float32 summation error
  // would be a wrong batched forward pass. (Not with dropout: a sample's
  // mask depends on its place in the batch, so the batch's loss differs.)
  if (!coupled && !spec.hasTrainingForm() &&
      !(std::fabs(batchMetrics[0] - meanLoss) <=
        1e-5 * std::max(1.0, std::fabs(meanLoss)))) {
    llvm::outs() << fmt::format(
        "  the batch's loss {:.7g} is not the mean of the samples' losses "
        "{:.7g}\n",
        batchMetrics[0], meanLoss);
    ok = false;
  }
  // The name column fits the longest name ("layer_normalization_1.gamma").
  size_t nameWidth = 20;
  for (const ParamSpec &p : spec.params)
    nameWidth = std::max(nameWidth, p.name.size());
  llvm::outs() << fmt::format(
      "  {:<{}} {:<14} {:>7} {:>9} {:>6} {:>10} {:>10} {:>10} {:>10}\n",
      "tensor", nameWidth, "shape", "checked", "discarded", "kinks",
      "max|grad|", "difference", "noise", "rel.error");

  std::vector<double> y(batch * kPoints); // y[s * kPoints + k]
  std::vector<float> sampleGrads(params.size());
  std::vector<char> isBent(batch);
  double worst = 0;
  for (const ParamSpec &p : spec.params) {
    int64_t n = p.numElements();
    const float *a = grads.data() + p.offset;
    if (!p.trainable) {
      bool zero = std::all_of(a, a + n, [](float g) { return g == 0.0f; });
      llvm::outs() << fmt::format("  {:<{}} {:<14} frozen: gradient {}\n",
                                  p.name, nameWidth, formatShape(p.shape),
                                  zero ? "is zero" : "is NOT zero");
      ok &= zero;
      continue;
    }
    std::vector<int64_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::shuffle(idx.begin(), idx.end(), rng);
    std::vector<double> diffs, noises; // per checked element
    double scale = 0;
    int64_t checked = 0, discarded = 0, kinks = 0;
    bool nonFinite = false;
    for (int64_t i : idx) {
      if (checked == o.samples)
        break;
      float &v = params[p.offset + i];
      const float orig = v;
      double u[kPoints];
      for (int k = 0; k < kPoints; ++k) {
        v = float(orig + double(k - kHalf) / kHalf * o.step);
        u[k] = (double(v) - orig) / o.step; // the step f32 really took
        for (int64_t s = 0; s < units; ++s)
          y[s * kPoints + k] = sampleLoss(s);
      }
      v = orig;
      CubicFit cubic(u);
      double slopeSum = 0, varSum = 0, substituted = 0;
      int64_t bent = 0;
      std::fill(isBent.begin(), isBent.end(), 0);
      for (int64_t s = 0; s < units; ++s) {
        const double *ys = y.data() + s * kPoints;
        double peak = 0;
        for (int k = 0; k < kPoints; ++k)
          peak = std::max(peak, std::fabs(ys[k]));
        CubicFit::Result r = cubic.fit(ys);
        if (!std::isfinite(r.slope)) {
          nonFinite = true;
          continue;
        }
        if (r.maxResid > kKinkUlps * ulpOf(peak)) {
          isBent[s] = 1;
          ++bent;
          continue;
        }
        slopeSum += r.slope / o.step;
        varSum += r.slopeVar / (o.step * o.step);
      }
      if (2 * bent > units) {
        ++discarded;
        continue;
      }
      // The bent samples' own gradients stand in for their slopes.
      for (int64_t s = 0; s < units; ++s)
        if (isBent[s]) {
          if (coupled)
            gradientsAt(0, batch, sampleGrads.data());
          else
            gradientsAt(s, 1, sampleGrads.data());
          substituted += sampleGrads[p.offset + i];
        }
      kinks += bent;
      ++checked;
      double numeric = (slopeSum + substituted) / double(units);
      double analytic = a[i];
      if (!std::isfinite(numeric) || !std::isfinite(analytic)) {
        nonFinite = true;
        continue;
      }
      diffs.push_back(std::fabs(analytic - numeric));
      noises.push_back(kSigmas * std::sqrt(varSum) / double(units));
      scale = std::max({scale, std::fabs(analytic), std::fabs(numeric)});
    }
    double rel = 0, noise = 0, diff = 0;
    for (size_t j = 0; j < diffs.size(); ++j) {
      rel = std::max(rel, std::max(0.0, diffs[j] - noises[j]));
      noise = std::max(noise, noises[j]);
      diff = std::max(diff, diffs[j]);
    }
    if (scale > 0) {
      rel /= scale;
      noise /= scale;
      diff /= scale;
    }
    // An all-zero gradient is right only if the loss is flat too (rel is then
    // the absolute difference beyond noise, in loss units per unit step).
    if (checked == 0 || nonFinite)
      rel = INFINITY;
    worst = std::max(worst, rel);
    llvm::outs() << fmt::format(
        "  {:<{}} {:<14} {:>7} {:>9} {:>6} {:>10.3e} {:>10.3e} {:>10.3e} "
        "{:>10.3e}\n",
        p.name, nameWidth, formatShape(p.shape), checked, discarded, kinks,
        scale, diff, noise, rel);
  }
  ok &= worst <= o.tolerance;
  llvm::outs() << fmt::format("worst relative error {:.3e} (tolerance {:g}): "
                              "{}\n",
                              worst, o.tolerance, ok ? "OK" : "FAILED");
  return ok;
}

} // namespace

int runGradCheck(const GradCheckOptions &o) {
  auto fail = [](const std::string &m) {
    error() << m << "\n";
    return 1;
  };
  // The batch sizes buffers of batch * input floats; finite differences
  // need a finite positive step and tolerance.
  for (int64_t b : o.batches)
    if (!checkFlagRange("--batch", b, 1, 65536))
      return 1;
  if (!checkFlagRange("--samples", o.samples, 1))
    return 1;
  if (!(o.step > 0) || !std::isfinite(o.step))
    return fail(
        fmt::format("--step must be positive and finite, got {}", o.step));
  if (!(o.tolerance > 0) || !std::isfinite(o.tolerance))
    return fail(fmt::format("--tolerance must be positive and finite, got {}",
                            o.tolerance));
  std::unique_ptr<SourceModel> source = loadSourceModel(o.input);
  if (!source)
    return 1;
  if (!source->spec.train)
    return fail("model '" + source->spec.name +
                "' has no train section: gradcheck differentiates its loss");
  // eval_step in the training form: the finite differences see the dropout
  // masks the analytic gradient saw (gradients' fixed key).
  auto compiled =
      JitModel::compile(*source, o.optLevel, /*threads=*/false,
                        /*flushDenormals=*/true, /*cache=*/nullptr,
                        /*verbose=*/false, /*evalTrainingForm=*/true);
  if (!compiled)
    return fail(llvm::toString(compiled.takeError()));
  const JitModel &m = **compiled;

  int runs = 0, passed = 0;
  for (int64_t batch : o.batches)
    for (uint64_t seed : o.seeds) {
      ++runs;
      passed += checkOnce(m, o, batch, seed);
    }
  if (runs > 1)
    llvm::outs() << fmt::format("gradcheck: {} of {} runs OK{}\n", passed, runs,
                                passed == runs ? "" : ": FAILED");
  return passed == runs ? 0 : 1;
}

} // namespace dlc
