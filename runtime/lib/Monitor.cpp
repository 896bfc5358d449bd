//===- Monitor.cpp - early stopping and ReduceLROnPlateau, as Keras's -----===//
//
// A value, not a callback: the caller's loop feeds it each epoch's monitored
// quantity and acts on the answer (keep the weights, stop), so a program
// that embeds a compiled model gets the same rule as `dlc train`.
//
//===----------------------------------------------------------------------===//
#include "dlrt/dlrt.h"

#include <cmath>
#include <cstring>

extern "C" int dlrt_mode_maximizes(int mode, const char *monitor) {
  switch (mode) {
  case DLRT_MODE_MIN:
    return 0;
  case DLRT_MODE_MAX:
    return 1;
  case DLRT_MODE_AUTO:
    // Keras: accuracies grow; losses and errors (mae, mse) shrink.
    return monitor && std::strstr(monitor, "accuracy") ? 1 : 0;
  default:
    return -1;
  }
}

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

extern "C" void dlrt_plateau_init(dlrt_plateau *p, int maximize, double factor,
                                  int64_t patience, double min_delta,
                                  int64_t cooldown, double min_lr) {
  p->maximize = maximize != 0;
  p->factor = factor;
  p->min_delta = std::fabs(min_delta);
  p->min_lr = min_lr;
  p->patience = patience < 0 ? 0 : patience;
  p->cooldown = cooldown < 0 ? 0 : cooldown;
  p->best = maximize ? -INFINITY : INFINITY;
  p->wait = 0;
  p->cooldown_counter = 0;
}

extern "C" float dlrt_plateau_update(dlrt_plateau *p, double value,
                                     float rate) {
  // Keras 3's ReduceLROnPlateau.on_epoch_end, step by step.
  if (p->cooldown_counter > 0) {
    --p->cooldown_counter;
    p->wait = 0;
  }
  bool improved = p->maximize ? value > p->best + p->min_delta
                              : value < p->best - p->min_delta;
  if (improved) {
    p->best = value;
    p->wait = 0;
    return rate;
  }
  if (p->cooldown_counter > 0)
    return rate;
  if (++p->wait < p->patience)
    return rate;
  // The rate is an f32 variable in Keras too: compare and scale in its
  // precision, as `old_lr > np.float32(min_lr)` does.
  if (!(rate > float(p->min_lr)))
    return rate;
  p->cooldown_counter = p->cooldown;
  p->wait = 0;
  return float(std::fmax(double(rate) * p->factor, p->min_lr));
}
