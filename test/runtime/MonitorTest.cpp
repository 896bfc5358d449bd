//===- MonitorTest.cpp - early stopping and reading a history back --------===//
#include "TestUtil.h"

#include <cmath>
#include <vector>

using namespace dlrt_test;

namespace {

struct Outcome {
  int64_t stoppedAt = 0; ///< 0: ran every epoch
  int64_t bestEpoch = 0;
  std::vector<int64_t> improved;
};

/// Feeds `values` (epochs 1, 2, ...) as a training loop would: stops at the
/// first DLRT_MONITOR_STOP.
Outcome run(std::vector<double> values, int maximize, double minDelta,
            int64_t patience) {
  dlrt_monitor m;
  dlrt_monitor_init(&m, maximize, minDelta, patience);
  Outcome o;
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t epoch = int64_t(i) + 1;
    int r = dlrt_monitor_update(&m, epoch, values[i]);
    if (r & DLRT_MONITOR_IMPROVED)
      o.improved.push_back(epoch);
    if (r & DLRT_MONITOR_STOP) {
      o.stoppedAt = epoch;
      break;
    }
  }
  o.bestEpoch = m.best_epoch;
  return o;
}

// Keras's rule, worked by hand for each history below: an epoch improves
// when value < best - min_delta; stop once `patience` epochs in a row have
// not, never at the first epoch.
const std::vector<double> kValLoss = {0.5,   0.4,   0.41, 0.39,
                                      0.395, 0.396, 0.397};

TEST(Monitor, StopsAfterPatienceEpochsWithoutImprovement) {
  Outcome o = run(kValLoss, 0, 0, 2);
  EXPECT_EQ(o.improved, (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(o.stoppedAt, 6); // epochs 5 and 6 did not improve on 0.39
  EXPECT_EQ(o.bestEpoch, 4);
}

TEST(Monitor, PatienceZeroStopsAtTheFirstEpochThatDoesNotImprove) {
  Outcome o = run(kValLoss, 0, 0, 0);
  EXPECT_EQ(o.stoppedAt, 3);
  EXPECT_EQ(o.bestEpoch, 2);
}

TEST(Monitor, MinDeltaIsTheSmallestChangeThatCounts) {
  // 0.39 is 0.01 below 0.4: not an improvement with min_delta 0.02.
  Outcome o = run(kValLoss, 0, 0.02, 2);
  EXPECT_EQ(o.improved, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(o.stoppedAt, 4);
  EXPECT_EQ(o.bestEpoch, 2);
  // Its sign does not matter (Keras takes the absolute value).
  EXPECT_EQ(run(kValLoss, 0, -0.02, 2).stoppedAt, 4);
}

TEST(Monitor, MaximizesAccuracy) {
  Outcome o = run({0.80, 0.85, 0.84, 0.86, 0.86, 0.85}, 1, 0, 1);
  EXPECT_EQ(o.improved, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(o.stoppedAt, 3);
  EXPECT_EQ(o.bestEpoch, 2);
  // An equal value is no improvement.
  Outcome p = run({0.80, 0.85, 0.86, 0.86, 0.87}, 1, 0, 1);
  EXPECT_EQ(p.stoppedAt, 4);
}

TEST(Monitor, NeverStopsAtTheFirstEpochNorWhileImproving) {
  EXPECT_EQ(run({1.0}, 0, 100, 0).stoppedAt, 0);
  Outcome o = run({5, 4, 3, 2, 1}, 0, 0, 0);
  EXPECT_EQ(o.stoppedAt, 0);
  EXPECT_EQ(o.bestEpoch, 5);
}

TEST(Monitor, NaNNeverImproves) {
  Outcome o = run({NAN, 0.5, NAN, NAN}, 0, 0, 2);
  EXPECT_EQ(o.improved, (std::vector<int64_t>{2}));
  EXPECT_EQ(o.stoppedAt, 4);
  EXPECT_EQ(o.bestEpoch, 2);
}

class HistoryRead : public TempDirTest {};

const char *const kColumns[] = {"epoch", "loss", "val_loss"};

TEST_F(HistoryRead, RoundTripsWhatTheWriterWroteUpToTheEpoch) {
  const double rows[] = {1, 0.5, 0.6, 2, 0.25, NAN, 3, 1e-05, 0.125};
  std::string p = path("h.csv");
  ASSERT_EQ(dlrt_write_history_csv(p.c_str(), kColumns, 3, rows, 3, &err), 0)
      << err.message;
  double *back = nullptr;
  int64_t n = -1;
  ASSERT_EQ(dlrt_read_history_csv(p.c_str(), kColumns, 3, 2, &back, &n, &err),
            0)
      << err.message;
  ASSERT_EQ(n, 2);
  for (int i = 0; i < 6; ++i) {
    if (std::isnan(rows[i]))
      EXPECT_TRUE(std::isnan(back[i])) << i;
    else
      EXPECT_EQ(back[i], rows[i]) << i;
  }
  std::free(back);
  // Up to epoch 0: nothing kept.
  ASSERT_EQ(dlrt_read_history_csv(p.c_str(), kColumns, 3, 0, &back, &n, &err),
            0);
  EXPECT_EQ(n, 0);
  EXPECT_EQ(back, nullptr);
}

TEST_F(HistoryRead, OtherColumnsAreAnErrorNamingBoth) {
  std::string p = write("h.csv", "epoch,loss\n1,0.5\n");
  double *back = nullptr;
  int64_t n = 0;
  EXPECT_EQ(dlrt_read_history_csv(p.c_str(), kColumns, 3, 9, &back, &n, &err),
            -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p +
                "': line 1: expected the columns 'epoch,loss,val_loss' of "
                "this run, found 'epoch,loss'");
}

TEST_F(HistoryRead, BadCellsNameLineAndColumn) {
  double *back = nullptr;
  int64_t n = 0;
  std::string p = write("a.csv", "epoch,loss,val_loss\n1,0.5,0.6\n2,x,0.5\n");
  EXPECT_EQ(dlrt_read_history_csv(p.c_str(), kColumns, 3, 9, &back, &n, &err),
            -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p +
                "': line 3, column 3: expected a number for 'loss', found 'x'");
  p = write("b.csv", "epoch,loss,val_loss\n1,0.5\n");
  EXPECT_EQ(dlrt_read_history_csv(p.c_str(), kColumns, 3, 9, &back, &n, &err),
            -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p + "': line 2: expected 3 values, found 2");
  p = write("c.csv", "epoch,loss,val_loss\n1,0.5,0.6,7\n");
  EXPECT_EQ(dlrt_read_history_csv(p.c_str(), kColumns, 3, 9, &back, &n, &err),
            -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p +
                "': line 2, column 7: expected a number for 'val_loss', "
                "found '0.6,7'");
  EXPECT_EQ(dlrt_read_history_csv(path("none.csv").c_str(), kColumns, 3, 9,
                                  &back, &n, &err),
            -1);
  EXPECT_NE(std::string(err.message).find("cannot open"), std::string::npos);
}

} // namespace

namespace {
/// The rates a run of epochs with these monitored values gets: rates[i] is
/// the rate of epoch i + 1 (the first is `initial`).
std::vector<float> plateauRates(std::vector<double> values, int maximize,
                                double factor, int64_t patience,
                                double minDelta, int64_t cooldown, double minLr,
                                float initial) {
  dlrt_plateau p;
  dlrt_plateau_init(&p, maximize, factor, patience, minDelta, cooldown, minLr);
  std::vector<float> rates{initial};
  for (double v : values)
    rates.push_back(dlrt_plateau_update(&p, v, rates.back()));
  rates.pop_back();
  return rates;
}
} // namespace

// Keras 3's ReduceLROnPlateau, worked by hand: an epoch improves when
// value < best - min_delta; after `patience` epochs that do not, the rate
// is multiplied by `factor` (not below min_lr) and the count restarts;
// `cooldown` epochs after a reduction neither count nor reduce.
TEST(Plateau, ReducesAfterPatienceEpochsWithoutImprovement) {
  // Epochs 1, 2 and 4 improve; 3 waits 1; 5, 6 wait 1, 2 -> reduce after
  // 6; 7 waits 1; 8 waits 2 -> reduce after 8.
  std::vector<float> r =
      plateauRates({0.5, 0.4, 0.41, 0.39, 0.395, 0.396, 0.397, 0.398, 0.399}, 0,
                   0.5, 2, 0, 0, 0, 0.1f);
  std::vector<float> want = {0.1f, 0.1f,  0.1f,  0.1f,  0.1f,
                             0.1f, 0.05f, 0.05f, 0.025f};
  EXPECT_EQ(r, want);
}

TEST(Plateau, CooldownEpochsDoNotCount) {
  // patience 1, cooldown 2: epoch 2 waits 1 -> reduce (counter 2); epoch 3
  // decrements it to 1 and, still cooling down, does not count; epoch 4
  // decrements it to 0 and counts -> reduce again; epoch 5 cools down.
  std::vector<float> r =
      plateauRates({1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, 0, 0.1, 1, 0, 2, 0, 1.0f);
  float reduced2 = float(double(0.1f) * 0.1);
  std::vector<float> want = {1.0f, 1.0f, 0.1f, 0.1f, reduced2, reduced2};
  EXPECT_EQ(r, want);
}

TEST(Plateau, MinLrIsAFloorAndMinDeltaACountedChange) {
  // 0.95 is not 0.1 below 1.0: no improvement with min_delta 0.1.
  std::vector<float> r =
      plateauRates({1.0, 0.95, 0.9, 0.85, 0.8}, 0, 0.1, 1, 0.1, 0, 0.02, 1.0f);
  // Epoch 2 waits -> 0.1; epoch 3 (0.9 is not below 1.0 - 0.1) waits ->
  // max(0.01, 0.02) = 0.02; then the rate is at min_lr and stays.
  std::vector<float> want = {1.0f, 1.0f, 0.1f, 0.02f, 0.02f};
  EXPECT_EQ(r, want);
}

TEST(Plateau, MaximizesAccuracy) {
  std::vector<float> r =
      plateauRates({0.8, 0.85, 0.84, 0.86}, 1, 0.5, 1, 0, 0, 0, 0.2f);
  std::vector<float> want = {0.2f, 0.2f, 0.2f, 0.1f};
  EXPECT_EQ(r, want);
}

// Keras's `mode`: min and max say it outright, auto maximises accuracies
// only (the losses and the errors, mae and mse, fall).
TEST(Mode, SaysWhetherTheQuantityShouldRise) {
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_AUTO, "val_loss"), 0);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_AUTO, "loss"), 0);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_AUTO, "val_mae"), 0);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_AUTO, "mse"), 0);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_AUTO, "accuracy"), 1);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_AUTO, "val_accuracy"), 1);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_MAX, "val_loss"), 1);
  EXPECT_EQ(dlrt_mode_maximizes(DLRT_MODE_MIN, "val_accuracy"), 0);
  EXPECT_EQ(dlrt_mode_maximizes(7, "val_loss"), -1);
}

// val_loss in max mode: the best is the highest, and training stops once
// it has stopped rising for `patience` epochs. Worked by hand: epochs 1-3
// rise (best 0.7 at 3), 4 and 5 are below it -> stop at 5 with patience 2.
TEST(Mode, MaxModeOnALossStopsWhenItStopsRising) {
  const std::vector<double> rising = {0.5, 0.6, 0.7, 0.65, 0.69, 0.8};
  Outcome o = run(rising, dlrt_mode_maximizes(DLRT_MODE_MAX, "val_loss"), 0, 2);
  EXPECT_EQ(o.improved, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(o.stoppedAt, 5);
  EXPECT_EQ(o.bestEpoch, 3);
  // The same history in auto (min) mode: epoch 1 is the best, 2 and 3 do
  // not improve on it -> stop at 3.
  Outcome m =
      run(rising, dlrt_mode_maximizes(DLRT_MODE_AUTO, "val_loss"), 0, 2);
  EXPECT_EQ(m.improved, (std::vector<int64_t>{1}));
  EXPECT_EQ(m.stoppedAt, 3);
  EXPECT_EQ(m.bestEpoch, 1);
}

// accuracy in min mode: the best is the lowest. 0.9, 0.8 fall; 0.85 and
// 0.82 do not go below 0.8 -> stop at 4 with patience 2.
TEST(Mode, MinModeOnAnAccuracyStopsWhenItStopsFalling) {
  Outcome o = run({0.9, 0.8, 0.85, 0.82, 0.7},
                  dlrt_mode_maximizes(DLRT_MODE_MIN, "accuracy"), 0, 2);
  EXPECT_EQ(o.improved, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(o.stoppedAt, 4);
  EXPECT_EQ(o.bestEpoch, 2);
}

// The plateau in max mode on val_loss: epoch 3 (0.55) is not above 0.6, so
// with patience 1 the rate halves after it; epoch 4 (0.7) improves; 5
// (0.7, equal) waits -> halves again.
TEST(Mode, PlateauInMaxModeReducesWhenTheLossStopsRising) {
  int max = dlrt_mode_maximizes(DLRT_MODE_MAX, "val_loss");
  std::vector<float> r =
      plateauRates({0.5, 0.6, 0.55, 0.7, 0.7, 0.8}, max, 0.5, 1, 0, 0, 0, 0.2f);
  std::vector<float> want = {0.2f, 0.2f, 0.2f, 0.1f, 0.1f, 0.05f};
  EXPECT_EQ(r, want);
  // Auto (min) on the same history: epoch 2 (0.6) waits -> 0.1 after it;
  // 3 (0.55) waits -> 0.05; 4 -> 0.025; 5 -> 0.0125.
  std::vector<float> autoRates = plateauRates(
      {0.5, 0.6, 0.55, 0.7, 0.7, 0.8},
      dlrt_mode_maximizes(DLRT_MODE_AUTO, "val_loss"), 0.5, 1, 0, 0, 0, 0.2f);
  std::vector<float> wantAuto = {0.2f, 0.2f, 0.1f, 0.05f, 0.025f, 0.0125f};
  EXPECT_EQ(autoRates, wantAuto);
}
