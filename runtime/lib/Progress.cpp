//===- Progress.cpp - a Keras-style progress bar
//---------------------------===//
//
// Mirrors tf.keras.utils.Progbar (verbose=1) so that dlc's output reads like
// the tutorials people learn from:
//   Epoch 1/5
//   1875/1875 [==============================] - 2s 1ms/step - loss: 0.4983
// On a terminal the line is redrawn in place with \r; into a file or a pipe
// only the finished line is written, so logs stay clean.
//
//===----------------------------------------------------------------------===//
#include "dlrt/dlrt.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <new>
#include <string>
#include <unistd.h>

struct dlrt_progress {
  std::FILE *out;
  int64_t steps;    ///< <= 0: unknown, counted from the updates instead.
  int64_t seen = 0; ///< The last step reported.
  bool tty;
  std::chrono::steady_clock::time_point start, lastDraw;
  size_t lastWidth = 0; ///< Of the previous redraw, to blank its leftovers.
};

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kBarWidth = 30;
constexpr double kRedrawInterval = 0.1; // seconds

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// "1:02:03", "1:02" or "45s", as Keras formats an ETA.
std::string formatEta(double s) {
  long eta = std::lround(s);
  if (eta >= 3600)
    return fmt::format("{}:{:02}:{:02}", eta / 3600, (eta % 3600) / 60,
                       eta % 60);
  if (eta >= 60)
    return fmt::format("{}:{:02}", eta / 60, eta % 60);
  return fmt::format("{}s", eta);
}

/// "2s/step", "45ms/step" or "120us/step".
std::string formatPerStep(double s) {
  if (s >= 1 || s == 0)
    return fmt::format("{:.0f}s/step", s);
  if (s >= 1e-3)
    return fmt::format("{:.0f}ms/step", s * 1e3);
  return fmt::format("{:.0f}us/step", s * 1e6);
}

/// "  42/1875 [>.............................]" (or "42/Unknown").
std::string formatBar(int64_t step, int64_t steps) {
  if (steps <= 0)
    return fmt::format("{:7}/Unknown", step);
  int digits = int(std::to_string(steps).size());
  std::string bar = fmt::format("{:{}}/{} [", step, digits, steps);
  int filled = int(kBarWidth * std::min(1.0, double(step) / double(steps)));
  if (filled > 0) {
    bar.append(size_t(filled - 1), '=');
    bar += step < steps ? '>' : '=';
  }
  bar.append(size_t(kBarWidth - filled), '.');
  return bar + ']';
}

void appendMetrics(std::string &line, const char *metrics) {
  if (metrics && *metrics) {
    line += " - ";
    line += metrics;
  }
}

void redraw(dlrt_progress *p, std::string line, bool final) {
  if (p->tty) {
    size_t width = line.size();
    if (p->lastWidth > width)
      line.append(p->lastWidth - width, ' ');
    p->lastWidth = width;
    line.insert(line.begin(), '\r');
  }
  if (final)
    line += '\n';
  std::fputs(line.c_str(), p->out);
  std::fflush(p->out);
  p->lastDraw = Clock::now();
}

} // namespace

extern "C" dlrt_progress *dlrt_progress_begin(std::FILE *out, int epoch,
                                              int epochs, int64_t steps,
                                              int tty) {
  if (!out)
    return nullptr;
  auto *p = new (std::nothrow) dlrt_progress();
  if (!p)
    return nullptr;
  p->out = out;
  p->steps = steps;
  p->tty = tty < 0 ? isatty(fileno(out)) != 0 : tty != 0;
  p->start = p->lastDraw = Clock::now();
  std::fprintf(out, "Epoch %d/%d\n", epoch, epochs);
  if (p->tty) // an empty bar at once: the first step may be slow (JIT)
    redraw(p, formatBar(0, steps), false);
  else
    std::fflush(out);
  return p;
}

extern "C" void dlrt_progress_update(dlrt_progress *p, int64_t step,
                                     const char *metrics) {
  if (!p)
    return;
  p->seen = step;
  if (!p->tty || secondsSince(p->lastDraw) < kRedrawInterval)
    return;
  std::string line = formatBar(step, p->steps);
  double elapsed = secondsSince(p->start);
  if (step > 0 && step < p->steps)
    line += " - ETA: " +
            formatEta(elapsed / double(step) * double(p->steps - step));
  else
    line += fmt::format(" - {:.0f}s", elapsed);
  appendMetrics(line, metrics);
  redraw(p, std::move(line), false);
}

extern "C" void dlrt_progress_end(dlrt_progress *p, const char *metrics) {
  if (!p)
    return;
  double elapsed = secondsSince(p->start);
  int64_t steps = p->steps > 0 ? p->steps : p->seen;
  std::string line = formatBar(steps, p->steps);
  line += fmt::format(" - {:.0f}s", elapsed);
  if (steps > 0)
    line += ' ' + formatPerStep(elapsed / double(steps));
  appendMetrics(line, metrics);
  redraw(p, std::move(line), true);
  delete p;
}
