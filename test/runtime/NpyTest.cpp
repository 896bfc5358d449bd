//===- NpyTest.cpp - dlrt_load_npy on good and broken .npy files ----------===//
//
// The files are built byte by byte here, following numpy.lib.format, so
// that the reader is checked against the format and not against itself.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <cmath>
#include <cstring>

using namespace dlrt_test;

namespace {

/// A .npy file: magic, version, header length, the header dict padded with
/// spaces to a multiple of 64 bytes (ending in '\n'), then `data`.
Bytes npy(const std::string &dict, const Bytes &data, int major = 1) {
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  size_t pre = major == 1 ? 10 : 12;
  std::string h = dict;
  while ((pre + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  uint32_t n = uint32_t(h.size());
  b.push_back(uint8_t(n));
  b.push_back(uint8_t(n >> 8));
  if (major > 1) {
    b.push_back(uint8_t(n >> 16));
    b.push_back(uint8_t(n >> 24));
  }
  b.insert(b.end(), h.begin(), h.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

template <typename T> Bytes le(std::initializer_list<T> values) {
  Bytes b;
  for (T v : values) {
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T)); // the test host is little-endian
    b.insert(b.end(), raw, raw + sizeof(T));
  }
  return b;
}

std::string dict(const std::string &descr, const std::string &shape,
                 const char *fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }";
}

class Npy : public TempDirTest {
protected:
  dlrt_dataset ds{};
  void TearDown() override {
    dlrt_dataset_free(&ds);
    TempDirTest::TearDown();
  }
  std::string load(const Bytes &bytes) {
    std::string p = write("a.npy", bytes);
    EXPECT_EQ(dlrt_load_npy(p.c_str(), &ds, &err), 0) << err.message;
    return p;
  }
  std::string fail(const Bytes &bytes) {
    std::string p = write("a.npy", bytes);
    EXPECT_EQ(dlrt_load_npy(p.c_str(), &ds, &err), -1);
    EXPECT_EQ(ds.x, nullptr);
    return err.message;
  }
};

TEST_F(Npy, Float32Rank3) {
  load(npy(dict("<f4", "(2, 3, 1)"), le<float>({1, 2, 3, 4, 5, -6.5f})));
  EXPECT_EQ(ds.count, 2);
  EXPECT_EQ(ds.sample_size, 3);
  EXPECT_EQ(ds.rank, 2);
  EXPECT_EQ(ds.shape[0], 3);
  EXPECT_EQ(ds.shape[1], 1);
  EXPECT_EQ(ds.labels, nullptr);
  EXPECT_FLOAT_EQ(ds.x[5], -6.5f);
}

TEST_F(Npy, Rank1IsOneValuePerSample) {
  load(npy(dict("<f8", "(3,)"), le<double>({0.25, -1e-3, 7})));
  EXPECT_EQ(ds.count, 3);
  EXPECT_EQ(ds.sample_size, 1);
  EXPECT_EQ(ds.rank, 0);
  EXPECT_FLOAT_EQ(ds.x[1], -1e-3f);
}

TEST_F(Npy, IntegerDTypes) {
  load(npy(dict("<i4", "(2, 2)"), le<int32_t>({-3, 0, 1 << 20, 7})));
  EXPECT_FLOAT_EQ(ds.x[0], -3);
  EXPECT_FLOAT_EQ(ds.x[2], float(1 << 20));
  dlrt_dataset_free(&ds);
  load(npy(dict("<i8", "(1, 2)"), le<int64_t>({-5, 123456789})));
  EXPECT_FLOAT_EQ(ds.x[0], -5);
  EXPECT_FLOAT_EQ(ds.x[1], 123456789.0f);
  dlrt_dataset_free(&ds);
  load(npy(dict("|u1", "(1, 3)"), Bytes{0, 200, 255}));
  EXPECT_FLOAT_EQ(ds.x[1], 200);
  EXPECT_FLOAT_EQ(ds.x[2], 255);
  dlrt_dataset_free(&ds);
  load(npy(dict("|i1", "(1, 2)"), Bytes{0xff, 0x80}));
  EXPECT_FLOAT_EQ(ds.x[0], -1);
  EXPECT_FLOAT_EQ(ds.x[1], -128);
}

TEST_F(Npy, Versions2And3) {
  for (int major : {2, 3}) {
    load(npy(dict("<f4", "(1, 2)"), le<float>({1.5f, 2.5f}), major));
    EXPECT_EQ(ds.count, 1);
    EXPECT_FLOAT_EQ(ds.x[1], 2.5f);
    dlrt_dataset_free(&ds);
  }
}

TEST_F(Npy, KeysInAnyOrderWithDoubleQuotes) {
  load(npy("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f4\"}",
           le<float>({3, 4})));
  EXPECT_EQ(ds.count, 2);
  EXPECT_FLOAT_EQ(ds.x[1], 4);
}

TEST_F(Npy, BadMagic) {
  EXPECT_TRUE(mentions(fail(Bytes{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0}).c_str(),
                       {"a.npy", "byte 0", "magic", "\\x93NUMPY"}));
  EXPECT_TRUE(mentions(fail(Bytes{0x93, 'N'}).c_str(),
                       {"byte 0", "a file of 2 bytes"}));
}

TEST_F(Npy, BadVersion) {
  Bytes b = npy(dict("<f4", "(1,)"), le<float>({1}));
  b[6] = 4;
  EXPECT_TRUE(mentions(fail(b).c_str(), {"byte 6", "1.0, 2.0 or 3.0", "4.0"}));
}

TEST_F(Npy, TruncatedHeader) {
  Bytes b = npy(dict("<f4", "(1,)"), {});
  b.resize(30);
  EXPECT_TRUE(mentions(fail(b).c_str(), {"byte 10", "truncated header",
                                         "expected 118 bytes, found 20"}));
}

TEST_F(Npy, NotADict) {
  EXPECT_TRUE(mentions(fail(npy("[1, 2]", {})).c_str(),
                       {"byte 10", "header dict", "found '[1, 2]"}));
}

TEST_F(Npy, MissingKey) {
  EXPECT_TRUE(mentions(
      fail(npy("{'descr': '<f4', 'shape': (1,)}", le<float>({1}))).c_str(),
      {"byte 10", "no 'fortran_order' key"}));
}

TEST_F(Npy, UnsupportedDType) {
  // 'descr' is the header's first key: its value starts at byte 10 + 10.
  EXPECT_TRUE(mentions(fail(npy(dict(">f4", "(1,)"), le<float>({1}))).c_str(),
                       {"byte 20", "'<f4'", "found '>f4'"}));
  EXPECT_TRUE(mentions(fail(npy(dict("<f2", "(1,)"), Bytes{0, 0})).c_str(),
                       {"byte 20", "found '<f2'"}));
}

TEST_F(Npy, FortranOrder) {
  EXPECT_TRUE(mentions(
      fail(npy(dict("<f4", "(2, 2)", "True"), le<float>({1, 2, 3, 4}))).c_str(),
      {"byte 44", "C order", "fortran_order True"}));
}

TEST_F(Npy, ScalarAndEmpty) {
  EXPECT_TRUE(mentions(fail(npy(dict("<f4", "()"), le<float>({1}))).c_str(),
                       {"first axis of samples", "shape ()"}));
  EXPECT_TRUE(mentions(fail(npy(dict("<f4", "(0, 3)"), {})).c_str(),
                       {"no samples", "(0, 3)"}));
}

TEST_F(Npy, BadShape) {
  EXPECT_TRUE(mentions(fail(npy(dict("<f4", "(2, -1)"), {})).c_str(),
                       {"byte 60", "integers >= 0", "(2, -1)"}));
}

TEST_F(Npy, TruncatedData) {
  Bytes b = npy(dict("<f4", "(2, 3)"), le<float>({1, 2, 3, 4, 5}));
  EXPECT_TRUE(mentions(fail(b).c_str(), {"byte 128", "truncated data",
                                         "needs 24 bytes, found 20"}));
}

TEST_F(Npy, TrailingBytes) {
  Bytes b = npy(dict("<f4", "(1,)"), le<float>({1, 2}));
  EXPECT_TRUE(mentions(fail(b).c_str(), {"byte 132", "4 bytes after"}));
}

TEST_F(Npy, NonFiniteValue) {
  Bytes b = npy(dict("<f8", "(2, 2)"), le<double>({1, 2, 3, NAN}));
  EXPECT_TRUE(mentions(fail(b).c_str(),
                       {"byte 152", "element [1, 1]", "finite", "found nan"}));
  b = npy(dict("<f8", "(1,)"), le<double>({1e300}));
  EXPECT_TRUE(mentions(fail(b).c_str(), {"byte 128", "element [0]"}));
}

TEST_F(Npy, MissingFile) {
  EXPECT_EQ(dlrt_load_npy(path("none.npy").c_str(), &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {"none.npy", "cannot open"}));
}

} // namespace
