//===- ProgressHistoryTest.cpp - progress bar, history CSV and SVG
//---------===//
#include "TestUtil.h"

#include <chrono>
#include <cmath>
#include <thread>

using namespace dlrt_test;

namespace {

/// Everything written to a tmpfile().
std::string contents(std::FILE *f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  for (int c; (c = std::fgetc(f)) != EOF;)
    s += char(c);
  std::fclose(f);
  return s;
}

size_t count(const std::string &s, const std::string &what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + 1))
    ++n;
  return n;
}

bool startsWith(const std::string &s, const std::string &p) {
  return s.compare(0, p.size(), p) == 0;
}
bool endsWith(const std::string &s, const std::string &p) {
  return s.size() >= p.size() &&
         s.compare(s.size() - p.size(), p.size(), p) == 0;
}

TEST(Progress, PlainModeWritesOneLinePerEpoch) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  dlrt_progress *p = dlrt_progress_begin(f, 1, 5, 1875, 0);
  ASSERT_NE(p, nullptr);
  for (int64_t s = 1; s <= 1875; ++s)
    dlrt_progress_update(p, s, "loss: 1.0000");
  dlrt_progress_end(p, "loss: 0.4983 - accuracy: 0.8250");
  std::string out = contents(f);
  EXPECT_TRUE(startsWith(
      out, "Epoch 1/5\n1875/1875 [==============================] - 0s "))
      << out;
  EXPECT_TRUE(endsWith(out, "/step - loss: 0.4983 - accuracy: 0.8250\n"))
      << out;
  EXPECT_EQ(count(out, "\n"), 2u) << out;
  EXPECT_EQ(count(out, "\r"), 0u) << out;
}

TEST(Progress, TerminalModeRedrawsInPlace) {
  std::FILE *f = std::tmpfile();
  dlrt_progress *p = dlrt_progress_begin(f, 2, 3, 10, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  dlrt_progress_update(p, 5, "loss: 0.5000 - accuracy: 0.9000");
  dlrt_progress_update(p, 6, "loss: 0.4000"); // within 0.1 s: not drawn
  dlrt_progress_end(p, "loss: 0.3000");
  std::string out = contents(f);
  EXPECT_TRUE(
      startsWith(out, "Epoch 2/3\n\r 0/10 [" + std::string(30, '.') + "]"))
      << out;
  EXPECT_NE(out.find("\r 5/10 [" + std::string(14, '=') + ">" +
                     std::string(15, '.') +
                     "] - ETA: 0s - loss: 0.5000 - accuracy: 0.9000"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("0.4000"), std::string::npos) << out;
  // The final line blanks what is left of the longer line before it.
  size_t last = out.rfind('\r');
  std::string final = out.substr(last);
  EXPECT_TRUE(startsWith(final, "\r10/10 [" + std::string(30, '=') + "] - 0s "))
      << out;
  EXPECT_NE(final.find("ms/step - loss: 0.3000   "), std::string::npos) << out;
  EXPECT_TRUE(endsWith(final, " \n")) << out;
}

TEST(Progress, UnknownStepCount) {
  std::FILE *f = std::tmpfile();
  dlrt_progress *p = dlrt_progress_begin(f, 1, 1, 0, 0);
  for (int64_t s = 1; s <= 7; ++s)
    dlrt_progress_update(p, s, nullptr);
  dlrt_progress_end(p, "");
  std::string out = contents(f);
  EXPECT_TRUE(startsWith(out, "Epoch 1/1\n      7/Unknown - 0s ")) << out;
  EXPECT_TRUE(endsWith(out, "/step\n")) << out;
}

TEST(Progress, NullIsHarmless) {
  dlrt_progress_update(nullptr, 1, "x");
  dlrt_progress_end(nullptr, "x");
  EXPECT_EQ(dlrt_progress_begin(nullptr, 1, 1, 1, 0), nullptr);
}

const double N = std::nan("");

class History : public TempDirTest {
protected:
  const char *cols[5] = {"epoch", "loss", "accuracy", "val_loss",
                         "val_accuracy"};
  std::vector<double> rows = {1, 0.6,  0.78,  0.5,  0.81,  //
                              2, 0.45, 0.84,  0.44, 0.845, //
                              3, 0.4,  0.86,  N,    N,     //
                              4, 0.36, 0.875, 0.39, 0.86};
};

TEST_F(History, Csv) {
  std::string p = path("history.csv");
  ASSERT_EQ(dlrt_write_history_csv(p.c_str(), cols, 5, rows.data(), 4, &err), 0)
      << err.message;
  EXPECT_EQ(readText(p), "epoch,loss,accuracy,val_loss,val_accuracy\n"
                         "1,0.6,0.78,0.5,0.81\n"
                         "2,0.45,0.84,0.44,0.845\n"
                         "3,0.4,0.86,,\n"
                         "4,0.36,0.875,0.39,0.86\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"history.csv"});
}

TEST_F(History, CsvQuotesOddNames) {
  const char *c[2] = {"epoch", "f1, \"macro\""};
  double r[2] = {1, 1e-5};
  std::string p = path("h.csv");
  ASSERT_EQ(dlrt_write_history_csv(p.c_str(), c, 2, r, 1, &err), 0);
  EXPECT_EQ(readText(p), "epoch,\"f1, \"\"macro\"\"\"\n1,1e-05\n");
}

TEST_F(History, SvgHasOnePanelPerMetricAndOnePathPerSeries) {
  std::string p = path("history.svg");
  ASSERT_EQ(dlrt_write_history_svg(p.c_str(), "mnist <mlp> & adam", cols, 5,
                                   rows.data(), 4, &err),
            0)
      << err.message;
  std::string svg = readText(p);
  EXPECT_TRUE(startsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(endsWith(svg, "</svg>\n"));
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "<path"), 4u);
  EXPECT_EQ(count(svg, "<g "), 2u);
  EXPECT_EQ(count(svg, "</g>"), 2u);
  EXPECT_NE(svg.find("id=\"loss\""), std::string::npos);
  EXPECT_NE(svg.find("id=\"accuracy\""), std::string::npos);
  EXPECT_NE(svg.find(">validation</text>"), std::string::npos);
  EXPECT_NE(svg.find(">epoch</text>"), std::string::npos);
  EXPECT_NE(svg.find("mnist &lt;mlp&gt; &amp; adam"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  // The missing validation point at epoch 3 lifts the pen: two segments.
  size_t val = svg.find("data-column=\"val_loss\"");
  ASSERT_NE(val, std::string::npos);
  std::string d = svg.substr(val, svg.find("/>", val) - val);
  EXPECT_EQ(count(d, "M"), 2u) << d;
  EXPECT_EQ(count(d, "L"), 1u) << d;
}

TEST_F(History, SvgWithAnExtraMetricAndNoValidation) {
  const char *c[3] = {"epoch", "loss", "lr"};
  double r[6] = {1, 0.5, 0.01, 2, 0.4, 0.01};
  std::string p = path("h.svg");
  ASSERT_EQ(dlrt_write_history_svg(p.c_str(), nullptr, c, 3, r, 2, &err), 0);
  std::string svg = readText(p);
  EXPECT_EQ(count(svg, "<path"), 2u);
  EXPECT_EQ(count(svg, "<g "), 2u);
  EXPECT_EQ(svg.find(">validation<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST_F(History, SvgOfNoRowsStillOpens) {
  std::string p = path("h.svg");
  ASSERT_EQ(dlrt_write_history_svg(p.c_str(), "t", cols, 5, nullptr, 0, &err),
            0);
  std::string svg = readText(p);
  EXPECT_EQ(count(svg, "<path"), 4u);
  EXPECT_TRUE(endsWith(svg, "</svg>\n"));
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST_F(History, Errors) {
  std::string p = path("h.svg");
  EXPECT_EQ(
      dlrt_write_history_svg(p.c_str(), "t", cols, 1, rows.data(), 4, &err),
      -1);
  EXPECT_TRUE(mentions(err.message, {p, "at least 2 columns", "found 1"}));
  const char *bad[2] = {"epoch", nullptr};
  EXPECT_EQ(dlrt_write_history_csv(p.c_str(), bad, 2, rows.data(), 1, &err),
            -1);
  EXPECT_TRUE(mentions(err.message, {p, "column 1 has no name"}));
  std::filesystem::create_directory(path("d"));
  std::string d = path("d");
  EXPECT_EQ(dlrt_write_history_csv(d.c_str(), cols, 5, rows.data(), 4, &err),
            -1);
  EXPECT_TRUE(mentions(err.message, {d, "cannot replace"}));
  EXPECT_EQ(entries(), std::vector<std::string>{"d"});
}

} // namespace
