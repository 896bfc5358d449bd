//===- CsvTest.cpp - dlrt_load_csv on good and broken CSV files
//------------===//
#include "TestUtil.h"

using namespace dlrt_test;

namespace {

class Csv : public TempDirTest {
protected:
  dlrt_dataset ds{};
  void TearDown() override {
    dlrt_dataset_free(&ds);
    TempDirTest::TearDown();
  }
  std::string fail(const std::string &text, int32_t labelColumn = -1) {
    std::string p = write("data.csv", text);
    EXPECT_EQ(dlrt_load_csv(p.c_str(), labelColumn, 1, &ds, &err), -1);
    EXPECT_EQ(ds.x, nullptr);
    return err.message;
  }
};

TEST_F(Csv, WithHeader) {
  std::string p = write("h.csv", "f1,f2,label\n1,2,0\n3.5, -4 ,2\n");
  ASSERT_EQ(dlrt_load_csv(p.c_str(), -1, 0.5f, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 2);
  EXPECT_EQ(ds.sample_size, 2);
  EXPECT_EQ(ds.rank, 1);
  EXPECT_EQ(ds.shape[0], 2);
  EXPECT_EQ(ds.num_classes, 3);
  const float x[] = {0.5f, 1.0f, 1.75f, -2.0f};
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(ds.x[i], x[i]) << i;
  EXPECT_EQ(ds.labels[0], 0);
  EXPECT_EQ(ds.labels[1], 2);
}

TEST_F(Csv, WithoutHeaderLabelFirstCrlfAndBlankLines) {
  std::string p = write("n.csv", "1,0.5,0.25\r\n\r\n0,1,2\r\n");
  ASSERT_EQ(dlrt_load_csv(p.c_str(), 0, 1, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 2);
  EXPECT_EQ(ds.labels[0], 1);
  EXPECT_EQ(ds.labels[1], 0);
  EXPECT_FLOAT_EQ(ds.x[0], 0.5f);
  EXPECT_FLOAT_EQ(ds.x[3], 2.0f);
}

TEST_F(Csv, NegativeLabelColumnCountsFromTheEnd) {
  std::string p = write("m.csv", "1,4,2\n3,5,6\n");
  ASSERT_EQ(dlrt_load_csv(p.c_str(), -2, 1, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.labels[0], 4);
  EXPECT_EQ(ds.labels[1], 5);
  EXPECT_FLOAT_EQ(ds.x[0], 1);
  EXPECT_FLOAT_EQ(ds.x[1], 2);
  EXPECT_FLOAT_EQ(ds.x[3], 6);
}

TEST_F(Csv, LabelColumnOutOfRange) {
  EXPECT_TRUE(mentions(fail("1,2,0\n", 5).c_str(),
                       {"data.csv", "label column 5", "3 columns"}));
  EXPECT_TRUE(mentions(fail("1,2,0\n", -4).c_str(), {"label column -4"}));
}

TEST_F(Csv, RaggedRow) {
  EXPECT_TRUE(mentions(
      fail("a,b,c\n1,2,0\n3,4\n").c_str(),
      {"data.csv", "line 3", "byte 12", "expected 3 columns", "found 2"}));
}

TEST_F(Csv, NonNumericCell) {
  EXPECT_TRUE(mentions(fail("1,2,0\n1,abc,0\n").c_str(),
                       {"data.csv", "line 2", "byte 6", "column 2",
                        "expected a number", "'abc'"}));
}

TEST_F(Csv, FirstRowWithANumberIsDataNotAHeader) {
  // A typo in the first cell of a header-less file is an error at its line
  // and column, not a row silently dropped as a header.
  EXPECT_TRUE(mentions(fail("1o,2,0\n3,4,1\n").c_str(),
                       {"data.csv", "line 1", "byte 0", "column 1",
                        "expected a number", "'1o'"}));
  EXPECT_TRUE(mentions(fail("a,2,label\n3,4,1\n").c_str(),
                       {"line 1", "column 1", "'a'"}));
}

TEST_F(Csv, ByteOrderMarkIsNotPartOfTheFirstCell) {
  std::string p = write("bom.csv", "\xEF\xBB\xBF"
                                   "1,2,0\n3,4,1\n");
  ASSERT_EQ(dlrt_load_csv(p.c_str(), -1, 1, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 2);
  EXPECT_FLOAT_EQ(ds.x[0], 1.0f);
  dlrt_dataset_free(&ds);
  p = write("bomh.csv", "\xEF\xBB\xBF"
                        "f1,f2,label\n3,4,1\n");
  ASSERT_EQ(dlrt_load_csv(p.c_str(), -1, 1, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 1);
  EXPECT_FLOAT_EQ(ds.x[0], 3.0f);
}

TEST_F(Csv, NonFiniteAndOutOfRangeValues) {
  for (const char *v : {"inf", "-inf", "nan", "Infinity"})
    EXPECT_TRUE(mentions(fail(std::string("1,2,0\n3,") + v + ",1\n").c_str(),
                         {"data.csv", "line 2", "byte 6", "column 2",
                          "expected a finite number", v}));
  for (const char *v : {"1e39", "3.5e38", "-1e300", "1e999"})
    EXPECT_TRUE(mentions(
        fail(std::string("1,2,0\n3,") + v + ",1\n").c_str(),
        {"data.csv", "line 2", "column 2", v, "outside float's range"}));
  // The largest float and values that underflow to 0 or a subnormal load.
  std::string p = write("edge.csv", "3.4028234e38,1e-320,0\n");
  ASSERT_EQ(dlrt_load_csv(p.c_str(), -1, 1, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.x[0], 3.4028234e38f);
  EXPECT_GE(ds.x[1], 0.0f);
  dlrt_dataset_free(&ds);
  // In range, but not after scaling.
  p = write("scaled.csv", "3e38,1,0\n");
  EXPECT_EQ(dlrt_load_csv(p.c_str(), -1, 10, &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {"line 1", "column 1", "scale 10"}));
}

TEST_F(Csv, NonIntegerLabel) {
  EXPECT_TRUE(mentions(fail("1,2,0.5\n").c_str(),
                       {"data.csv", "line 1", "class index", "'0.5'"}));
  EXPECT_TRUE(mentions(fail("1,2,-1\n").c_str(), {"class index", "'-1'"}));
}

TEST_F(Csv, EmptyFileAndHeaderOnly) {
  EXPECT_TRUE(mentions(fail("").c_str(), {"data.csv", "no data rows"}));
  EXPECT_TRUE(mentions(fail("x,label\n").c_str(), {"no data rows"}));
}

TEST_F(Csv, OneColumn) {
  EXPECT_TRUE(mentions(fail("1\n2\n").c_str(),
                       {"data.csv", "at least 2 columns", "found 1"}));
}

TEST_F(Csv, FeaturesWithoutLabels) {
  std::string p = write("f.csv", "a,b,c\n1,2,3\n4,5,6\n");
  ASSERT_EQ(dlrt_load_csv_features(p.c_str(), 2, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 2);
  EXPECT_EQ(ds.sample_size, 3);
  EXPECT_EQ(ds.labels, nullptr);
  EXPECT_FLOAT_EQ(ds.x[5], 12.0f);
  dlrt_dataset_free(&ds);
  p = write("one.csv", "0.5\n0.25\n");
  ASSERT_EQ(dlrt_load_csv_features(p.c_str(), 1, &ds, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 2);
  EXPECT_EQ(ds.sample_size, 1);
  dlrt_dataset_free(&ds);
  p = write("r.csv", "1,2\n3\n");
  EXPECT_EQ(dlrt_load_csv_features(p.c_str(), 1, &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {p, "line 2", "byte 4", "found 1"}));
}

TEST_F(Csv, MissingFile) {
  std::string p = path("missing.csv");
  EXPECT_EQ(dlrt_load_csv(p.c_str(), -1, 1, &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {p, "cannot open"}));
}

} // namespace

namespace {
class CsvTargets : public Csv {};
} // namespace

TEST_F(CsvTargets, FloatTargetsInNamedColumnsInTheirOrder) {
  std::string p = write("r.csv", "a,y1,b,y2\n1,-0.5,2,3.25\n4,7,5,-1e-3\n");
  const int32_t columns[] = {3, 1}; // y2 first, then y1
  ASSERT_EQ(dlrt_load_csv_targets(p.c_str(), columns, 2, 1, &ds, &err), 0)
      << err.message;
  EXPECT_EQ(ds.count, 2);
  EXPECT_EQ(ds.sample_size, 2);
  EXPECT_EQ(ds.target_size, 2);
  EXPECT_EQ(ds.labels, nullptr);
  const float x[] = {1, 2, 4, 5}, t[] = {3.25f, -0.5f, -1e-3f, 7};
  for (int i = 0; i < 4; ++i) {
    EXPECT_FLOAT_EQ(ds.x[i], x[i]) << i;
    EXPECT_FLOAT_EQ(ds.targets[i], t[i]) << i;
  }
  // Gathered in a given order, and split with the samples.
  const int64_t order[] = {1, 0};
  float got[4];
  dlrt_gather_targets(&ds, order, 0, 2, got);
  EXPECT_FLOAT_EQ(got[0], -1e-3f);
  EXPECT_FLOAT_EQ(got[3], -0.5f);
  dlrt_dataset v{};
  ASSERT_EQ(dlrt_split(&ds, 0.5, &v, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 1);
  EXPECT_EQ(v.count, 1);
  EXPECT_FLOAT_EQ(v.targets[0], -1e-3f);
  dlrt_dataset_free(&v);
}

TEST_F(CsvTargets, Errors) {
  std::string p = write("r.csv", "1,2,3\n4,5,6\n");
  const int32_t missing[] = {5};
  EXPECT_EQ(dlrt_load_csv_targets(p.c_str(), missing, 1, 1, &ds, &err), -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p +
                "': target column 6 does not exist; the file has 3 "
                "columns");
  const int32_t twice[] = {0, -3};
  EXPECT_EQ(dlrt_load_csv_targets(p.c_str(), twice, 2, 1, &ds, &err), -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p + "': target column 1 is given twice");
  const int32_t all[] = {0, 1, 2};
  EXPECT_EQ(dlrt_load_csv_targets(p.c_str(), all, 3, 1, &ds, &err), -1);
  EXPECT_EQ(std::string(err.message),
            "'" + p +
                "': line 1 (byte 0): expected features besides the 3 "
                "target columns, found 3 columns");
  std::string bad = write("b.csv", "1,2\n3,nan\n");
  const int32_t last[] = {-1};
  EXPECT_EQ(dlrt_load_csv_targets(bad.c_str(), last, 1, 1, &ds, &err), -1);
  EXPECT_EQ(std::string(err.message),
            "'" + bad +
                "': line 2 (byte 4): column 2: expected a finite "
                "number, found 'nan'");
}
