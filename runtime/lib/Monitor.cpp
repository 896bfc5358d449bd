//===- Monitor.cpp - early stopping, as Keras's EarlyStopping ------------===//
//
// A value, not a callback: the caller's loop feeds it each epoch's monitored
// quantity and acts on the answer (keep the weights, stop), so a program
// that embeds a compiled model gets the same rule as `dlc train`.
//
//===----------------------------------------------------------------------===//
#include "dlrt/dlrt.h"

#include <cmath>

extern "C" void dlrt_monitor_init(dlrt_monitor *m, int maximize,
                                  double min_delta, int64_t patience) {
  m->maximize = maximize != 0;
  m->min_delta = std::fabs(min_delta);
  m->patience = patience < 0 ? 0 : patience;
  m->best = maximize ? -INFINITY : INFINITY;
  m->best_epoch = 0;
  m->wait = 0;
  m->epochs = 0;
}

extern "C" int dlrt_monitor_update(dlrt_monitor *m, int64_t epoch,
                                   double value) {
  ++m->epochs;
  // Keras counts the epoch first and resets on an improvement; comparisons
  // with NaN are false, so a NaN epoch is never the best.
  ++m->wait;
  bool improved = m->maximize ? value - m->min_delta > m->best
                              : value + m->min_delta < m->best;
  if (improved) {
    m->best = value;
    m->best_epoch = epoch;
    m->wait = 0;
    return DLRT_MONITOR_IMPROVED;
  }
  return m->wait >= m->patience && m->epochs > 1 ? DLRT_MONITOR_STOP : 0;
}
