//===- IdxTest.cpp - dlrt_load_idx on good and broken IDX files
//------------===//
#include "TestUtil.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

// Under AddressSanitizer (gcc says so one way, clang the other).
#if defined(__SANITIZE_ADDRESS__)
#define DLRT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DLRT_TEST_ASAN 1
#endif
#endif

using namespace dlrt_test;

namespace {

/// An IDX file: 00 00 <type> <rank>, big-endian uint32 dims, then `data`.
Bytes idx(std::vector<uint32_t> dims, const Bytes &data, uint8_t type = 0x08) {
  Bytes b = {0, 0, type, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8)
      b.push_back(uint8_t(d >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

class Idx : public TempDirTest {
protected:
  dlrt_dataset ds{};
  const Bytes pixels = {0, 255, 51, 102, 1, 2, 3, 4, 10, 20, 30, 40};
  const Bytes labelBytes = {7, 0, 3};

  void TearDown() override {
    dlrt_dataset_free(&ds);
    TempDirTest::TearDown();
  }

  std::string gzip(const std::string &name, const Bytes &bytes) {
    std::string p = path(name);
    gzFile f = gzopen(p.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(gzwrite(f, bytes.data(), unsigned(bytes.size())),
              int(bytes.size()));
    gzclose(f);
    return p;
  }

  void expectSmallSet() {
    EXPECT_EQ(ds.count, 3);
    EXPECT_EQ(ds.rank, 2);
    EXPECT_EQ(ds.shape[0], 2);
    EXPECT_EQ(ds.shape[1], 2);
    EXPECT_EQ(ds.sample_size, 4);
    EXPECT_EQ(ds.num_classes, 8);
    std::vector<float> x = values();
    for (size_t i = 0; i < pixels.size(); ++i)
      EXPECT_FLOAT_EQ(x[i], float(pixels[i]) / 255.0f) << i;
    EXPECT_EQ(ds.labels[0], 7);
    EXPECT_EQ(ds.labels[1], 0);
    EXPECT_EQ(ds.labels[2], 3);
  }

  /// Every sample's values, read back through dlrt_gather (the loader keeps
  /// bytes; gather scales them).
  std::vector<float> values() {
    std::vector<float> x(ds.count * ds.sample_size);
    dlrt_gather(&ds, nullptr, 0, ds.count, x.data(), nullptr);
    return x;
  }

  /// Loads `images` with a matching label file; expects failure, and the
  /// same message from the mapping loader (which parses the header from
  /// the mapped bytes, not through zlib).
  std::string failImages(const std::string &images) {
    std::string l = write("labels.idx", idx({3}, labelBytes));
    EXPECT_EQ(dlrt_load_idx(images.c_str(), l.c_str(), 1, &ds, &err), -1);
    EXPECT_EQ(ds.x, nullptr);
    EXPECT_EQ(ds.bytes, nullptr);
    std::string message = err.message;
    EXPECT_EQ(dlrt_load_idx_mapped(images.c_str(), l.c_str(), 1, &ds, &err),
              -1);
    EXPECT_EQ(ds.bytes, nullptr);
    EXPECT_EQ(ds.mapping, nullptr);
    EXPECT_EQ(message, err.message) << "dlrt_load_idx_mapped";
    return message;
  }
};

TEST_F(Idx, PlainRoundTrip) {
  std::string im = write("images.idx", idx({3, 2, 2}, pixels));
  std::string lb = write("labels.idx", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx(im.c_str(), lb.c_str(), 1 / 255.0f, &ds, &err), 0)
      << err.message;
  expectSmallSet();
}

TEST_F(Idx, GzipRoundTrip) {
  std::string im = gzip("images.idx.gz", idx({3, 2, 2}, pixels));
  std::string lb = gzip("labels.idx.gz", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx(im.c_str(), lb.c_str(), 1 / 255.0f, &ds, &err), 0)
      << err.message;
  expectSmallSet();
}

TEST_F(Idx, MappedRoundTrip) {
  std::string im = write("images.idx", idx({3, 2, 2}, pixels));
  std::string lb = write("labels.idx", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx_mapped(im.c_str(), lb.c_str(), 1 / 255.0f, &ds, &err),
            0)
      << err.message;
  EXPECT_NE(ds.mapping, nullptr);
  expectSmallSet();
}

TEST_F(Idx, MappedLoaderReadsGzip) {
  std::string im = gzip("images.idx.gz", idx({3, 2, 2}, pixels));
  std::string lb = gzip("labels.idx.gz", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx_mapped(im.c_str(), lb.c_str(), 1 / 255.0f, &ds, &err),
            0)
      << err.message;
  EXPECT_EQ(ds.mapping, nullptr);
  expectSmallSet();
}

// Selecting classes compacts the samples in place: in a private mapping,
// never in the file; a split copies its part out of the mapping, and both
// data sets free what they own.
TEST_F(Idx, MappedSetIsPrivate) {
  Bytes file = idx({3, 2, 2}, pixels);
  std::string im = write("images.idx", file);
  std::string lb = write("labels.idx", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx_mapped(im.c_str(), lb.c_str(), 1.0f, &ds, &err), 0)
      << err.message;
  int32_t classes[] = {3, 0}; // drops sample 0 (label 7)
  ASSERT_EQ(dlrt_select_classes(&ds, classes, 2, 0, &err), 0) << err.message;
  ASSERT_EQ(ds.count, 2);
  std::vector<float> x = values();
  for (int k = 0; k < 8; ++k)
    EXPECT_FLOAT_EQ(x[k], float(pixels[4 + k])) << k;
  EXPECT_EQ(readAll(im), file);
  dlrt_dataset val;
  ASSERT_EQ(dlrt_split(&ds, 0.5, &val, &err), 0) << err.message;
  ASSERT_EQ(val.count, 1);
  EXPECT_EQ(val.mapping, nullptr);
  std::vector<float> v(4);
  dlrt_gather(&val, nullptr, 0, 1, v.data(), nullptr);
  for (int k = 0; k < 4; ++k)
    EXPECT_FLOAT_EQ(v[k], float(pixels[8 + k])) << k;
  dlrt_dataset_free(&val);
}

TEST_F(Idx, RankOneImagesAreOneFeature) {
  std::string im = write("images.idx", idx({3}, {5, 6, 7}));
  std::string lb = write("labels.idx", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx(im.c_str(), lb.c_str(), 1, &ds, &err), 0)
      << err.message;
  EXPECT_EQ(ds.rank, 1);
  EXPECT_EQ(ds.shape[0], 1);
  EXPECT_EQ(ds.sample_size, 1);
  EXPECT_FLOAT_EQ(values()[2], 7.0f);
}

TEST_F(Idx, ImagesWithoutLabels) {
  std::string im = gzip("images.idx.gz", idx({3, 2, 2}, pixels));
  ASSERT_EQ(dlrt_load_idx_images(im.c_str(), 1 / 255.0f, &ds, &err), 0)
      << err.message;
  EXPECT_EQ(ds.count, 3);
  EXPECT_EQ(ds.sample_size, 4);
  EXPECT_EQ(ds.labels, nullptr);
  EXPECT_FLOAT_EQ(values()[1], 1.0f);
  // The loader overwrites `ds` (LeakSanitizer: free it first).
  dlrt_dataset_free(&ds);
  std::string bad = write("bad.idx", Bytes{0, 0, 9, 1});
  EXPECT_EQ(dlrt_load_idx_images(bad.c_str(), 1, &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {bad, "element type"}));
}

TEST_F(Idx, TruncatedHeader) {
  std::string im = write("short.idx", Bytes{0, 0});
  EXPECT_TRUE(mentions(failImages(im).c_str(),
                       {im, "byte 2", "truncated", "IDX header", "found 2"}));
}

TEST_F(Idx, TruncatedDimensions) {
  Bytes b = idx({3, 2, 2}, {});
  b.resize(10); // magic + 1.5 dimensions
  std::string im = write("dims.idx", b);
  EXPECT_TRUE(
      mentions(failImages(im).c_str(), {im, "truncated", "dimensions"}));
}

TEST_F(Idx, TruncatedData) {
  std::string im = write("images.idx", idx({3, 2, 2}, Bytes(5, 1)));
  EXPECT_TRUE(mentions(
      failImages(im).c_str(),
      {im, "byte 21", "truncated", "expected 12 bytes of data", "found 5"}));
}

// Found by the IDX fuzzer: a 24-byte file claiming 2^31 elements took
// 2 GiB before finding it was truncated. The child process may map only
// 1 GiB: the load must still report the truncation, not run out of memory.
TEST_F(Idx, HugeClaimIsTruncatedWithoutTheAllocation) {
#ifdef DLRT_TEST_ASAN
  GTEST_SKIP() << "AddressSanitizer's shadow memory exceeds the limit";
#endif
  std::string im = write("huge.idx", idx({32768, 65536}, Bytes(5, 1)));
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    rlimit limit{uint64_t(1) << 30, uint64_t(1) << 30};
    setrlimit(RLIMIT_AS, &limit);
    dlrt_dataset d{};
    dlrt_error e;
    int rc = dlrt_load_idx_images(im.c_str(), 1.0f, &d, &e);
    _exit(rc == -1 && mentions(e.message,
                               {im, "byte 17", "truncated",
                                "expected 2147483648 bytes of data", "found 5"})
              ? 0
              : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(Idx, TruncatedGzipData) {
  std::string full = gzip("full.gz", idx({3, 200, 200}, Bytes(120000, 7)));
  Bytes b = readAll(full);
  b.resize(b.size() / 2);
  std::string im = write("cut.idx.gz", b);
  std::string m = failImages(im);
  EXPECT_TRUE(mentions(m.c_str(), {im, "byte"}));
}

TEST_F(Idx, WrongMagic) {
  std::string im = write("magic.idx", Bytes{0x1f, 0x9c, 8, 1, 0, 0, 0, 1, 0});
  EXPECT_TRUE(
      mentions(failImages(im).c_str(), {im, "byte 0", "magic", "1f 9c"}));
}

TEST_F(Idx, WrongElementType) {
  std::string im = write("float.idx", idx({3, 2, 2}, Bytes(48, 0), 0x0D));
  EXPECT_TRUE(mentions(failImages(im).c_str(),
                       {im, "byte 2", "element type", "0x08", "0x0d"}));
}

TEST_F(Idx, ZeroDimension) {
  std::string im = write("zero.idx", idx({3, 0, 2}, {}));
  EXPECT_TRUE(
      mentions(failImages(im).c_str(), {im, "byte 8", "dimension 1 is 0"}));
}

TEST_F(Idx, AbsurdDimensions) {
  std::string im = write("huge.idx", idx({65536, 65536}, {}));
  EXPECT_TRUE(mentions(failImages(im).c_str(), {im, "byte 8", "2^31"}));
}

TEST_F(Idx, CountMismatch) {
  std::string im = write("images.idx", idx({3, 2, 2}, pixels));
  std::string lb = write("two.idx", idx({2}, {1, 2}));
  EXPECT_EQ(dlrt_load_idx(im.c_str(), lb.c_str(), 1, &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {im, lb, "3 samples", "2 labels"}));
}

TEST_F(Idx, LabelsOfRankTwo) {
  std::string im = write("images.idx", idx({3, 2, 2}, pixels));
  std::string lb = write("labels2.idx", idx({3, 1}, labelBytes));
  EXPECT_EQ(dlrt_load_idx(im.c_str(), lb.c_str(), 1, &ds, &err), -1);
  EXPECT_TRUE(mentions(err.message, {lb, "rank-1", "rank 2"}));
}

TEST_F(Idx, TrailingBytes) {
  Bytes b = idx({3, 2, 2}, pixels);
  b.push_back(9);
  std::string im = write("trailing.idx", b);
  EXPECT_TRUE(mentions(failImages(im).c_str(),
                       {im, "byte 28", "expected the end of the file"}));
}

TEST_F(Idx, MissingFile) {
  std::string im = path("nope.idx");
  EXPECT_TRUE(
      mentions(failImages(im).c_str(), {im, "cannot open", "No such file"}));
}

} // namespace

TEST_F(Idx, SplitKeepsBytes) {
  std::string im = write("images.idx", idx({3, 2, 2}, pixels));
  std::string lb = write("labels.idx", idx({3}, labelBytes));
  ASSERT_EQ(dlrt_load_idx(im.c_str(), lb.c_str(), 1.0f, &ds, &err), 0)
      << err.message;
  dlrt_dataset val;
  ASSERT_EQ(dlrt_split(&ds, 0.34, &val, &err), 0) << err.message;
  EXPECT_EQ(ds.count, 2);
  ASSERT_EQ(val.count, 1);
  ASSERT_NE(val.bytes, nullptr);
  std::vector<float> x(4);
  dlrt_gather(&val, nullptr, 0, 1, x.data(), nullptr);
  for (int k = 0; k < 4; ++k)
    EXPECT_FLOAT_EQ(x[k], float(pixels[8 + k])) << k; // the last sample
  EXPECT_EQ(val.labels[0], 3);
  dlrt_dataset_free(&val);
}
