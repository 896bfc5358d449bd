//===- GradCheck.cpp - `dlc gradcheck`
//-------------------------------------===//
//
// For a sample of elements of every parameter tensor, the loss is evaluated
// at 33 evenly spaced points p + t, t in [-h, h], and a cubic is fitted by
// least squares; its slope at t = 0 is the numeric derivative. Fitting many
// points averages out float32 rounding of the loss (the model computes in
// f32), and the fit's residual exposes ReLU kinks: a pre-activation crossing
// 0 inside [-h, h] bends the curve in a way no cubic follows, and such
// elements are discarded (and counted) instead of reported as errors.
//
// The error of a tensor is max_i |analytic_i - numeric_i| / max_i |grad_i|:
// relative to the tensor's gradient scale, so elements whose gradient is
// near zero do not turn rounding noise into huge ratios.
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/GradCheck.h"
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/Jit.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

namespace dlc {

int runGradCheck(const GradCheckOptions &o) {
  auto fail = [](const std::string &m) {
    error() << m << "\n";
    return 1;
  };
  // The batch sizes buffers of batch * input floats; finite differences
  // need a finite positive step and tolerance.
  if (!checkFlagRange("--batch", o.batch, 1, 65536) ||
      !checkFlagRange("--samples", o.samples, 1))
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
  auto compiled = JitModel::compile(*source, o.optLevel);
  if (!compiled)
    return fail(llvm::toString(compiled.takeError()));
  const JitModel &m = **compiled;
  const ModelSpec &spec = m.spec();

  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> params(spec.numParams());
  m.initParams(params.data(), o.seed);
  const int64_t inSize = numElements(spec.inputShape());
  const int64_t outSize = numElements(spec.outputShape());
  std::vector<float> x(o.batch * inSize);
  for (float &v : x)
    v = unit(rng);
  std::vector<int32_t> labels(o.batch);
  std::vector<float> targets(o.batch * outSize);
  const bool oneHot =
      spec.train->loss->getTargets() == TargetKind::Distribution;
  for (int64_t b = 0; b < o.batch; ++b) {
    int32_t c = int32_t(rng() % uint64_t(outSize));
    labels[b] = c;
    for (int64_t k = 0; k < outSize; ++k)
      targets[b * outSize + k] = oneHot ? (k == c ? 1.0f : 0.0f) : unit(rng);
  }
  const void *t = m.sparseLabels() ? static_cast<const void *>(labels.data())
                                   : static_cast<const void *>(targets.data());

  std::vector<float> grads(params.size());
  m.gradients(params.data(), x.data(), t, o.batch, grads.data());
  auto lossAt = [&]() {
    float metrics[2];
    m.evalStep(params.data(), x.data(), t, o.batch, metrics);
    return double(metrics[0]);
  };

  const double baseLoss = lossAt();
  // Rounding noise of one loss evaluation, in loss units.
  const double noise = std::numeric_limits<float>::epsilon() *
                       std::max(1.0, std::fabs(baseLoss));
  llvm::outs() << fmt::format(
      "gradcheck {}: loss {} = {:.6f}, batch {}, seed {}, h = {:g}, up to {} "
      "elements per tensor\n",
      spec.name, spec.train->loss->getName().str(), baseLoss, o.batch, o.seed,
      o.step, o.samples);
  llvm::outs() << fmt::format("  {:<20} {:<14} {:>7} {:>9} {:>10} {:>10}\n",
                              "tensor", "shape", "checked", "discarded",
                              "max|grad|", "rel.error");
  constexpr int kHalf = 16; // 2 * kHalf + 1 points per element
  double worst = 0;
  bool ok = true;
  for (const ParamSpec &p : spec.params) {
    int64_t n = p.numElements();
    const float *a = grads.data() + p.offset;
    if (!p.trainable) {
      bool zero = std::all_of(a, a + n, [](float g) { return g == 0.0f; });
      llvm::outs() << fmt::format("  {:<20} {:<14} frozen: gradient {}\n",
                                  p.name, formatShape(p.shape),
                                  zero ? "is zero" : "is NOT zero");
      ok &= zero;
      continue;
    }
    std::vector<int64_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::shuffle(idx.begin(), idx.end(), rng);
    double maxDiff = 0, scale = 0;
    int64_t checked = 0, discarded = 0;
    for (int64_t i : idx) {
      if (checked == o.samples)
        break;
      float &v = params[p.offset + i];
      const float orig = v;
      // Least squares y = c0 + c1 u + c2 u^2 + c3 u^3, u = t / h in [-1, 1].
      double ata[4][4] = {}, aty[4] = {};
      std::vector<std::pair<double, double>> points;
      for (int k = -kHalf; k <= kHalf; ++k) {
        double u = double(k) / kHalf;
        v = float(orig + u * o.step);
        u = (double(v) - orig) / o.step; // the step f32 really took
        double y = lossAt() - baseLoss;
        points.push_back({u, y});
        double pw[4] = {1, u, u * u, u * u * u};
        for (int r = 0; r < 4; ++r) {
          aty[r] += pw[r] * y;
          for (int c = 0; c < 4; ++c)
            ata[r][c] += pw[r] * pw[c];
        }
      }
      v = orig;
      // Gaussian elimination on the 4x4 normal equations.
      double coef[4];
      for (int r = 0; r < 4; ++r)
        for (int q = r + 1; q < 4; ++q) {
          double f = ata[q][r] / ata[r][r];
          for (int c = r; c < 4; ++c)
            ata[q][c] -= f * ata[r][c];
          aty[q] -= f * aty[r];
        }
      for (int r = 3; r >= 0; --r) {
        double acc = aty[r];
        for (int c = r + 1; c < 4; ++c)
          acc -= ata[r][c] * coef[c];
        coef[r] = acc / ata[r][r];
      }
      double residual = 0;
      for (auto [u, y] : points) {
        double f = coef[0] + u * (coef[1] + u * (coef[2] + u * coef[3]));
        residual = std::max(residual, std::fabs(y - f));
      }
      double numeric = coef[1] / o.step;
      double analytic = a[i];
      if (!std::isfinite(numeric) || !std::isfinite(analytic)) {
        maxDiff = INFINITY;
        ++checked;
        continue;
      }
      if (residual > 8 * noise) { // not smooth on [-h, h]: a kink
        ++discarded;
        continue;
      }
      ++checked;
      maxDiff = std::max(maxDiff, std::fabs(analytic - numeric));
      scale = std::max({scale, std::fabs(analytic), std::fabs(numeric)});
    }
    double rel = checked == 0 ? INFINITY
                 : scale > 0  ? maxDiff / scale
                              : maxDiff;
    // An all-zero gradient is right only if the loss is flat too.
    if (checked > 0 && scale == 0)
      rel = 0;
    worst = std::max(worst, rel);
    llvm::outs() << fmt::format(
        "  {:<20} {:<14} {:>7} {:>9} {:>10.3e} {:>10.3e}\n", p.name,
        formatShape(p.shape), checked, discarded, scale, rel);
  }
  ok &= worst <= o.tolerance;
  llvm::outs() << fmt::format("worst relative error {:.3e} (tolerance {:g}): "
                              "{}\n",
                              worst, o.tolerance, ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}

} // namespace dlc
