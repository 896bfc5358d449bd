//===- SafetensorsTest.cpp - checkpoints: format, validation, atomicity
//----===//
#include "TestUtil.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>

using namespace dlrt_test;

namespace {

/// 8-byte little-endian length, the header padded with spaces to a multiple
/// of 8, then `data`: the format written out by hand, independently of the
/// library's writer.
Bytes file(std::string header, const Bytes &data = {}, bool pad = true) {
  if (pad)
    header.append((8 - header.size() % 8) % 8, ' ');
  Bytes b;
  for (int i = 0; i < 8; ++i)
    b.push_back(uint8_t(uint64_t(header.size()) >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

/// IEEE-754 binary32, little-endian, spelled out byte by byte.
Bytes le(std::initializer_list<uint32_t> bits) {
  Bytes b;
  for (uint32_t v : bits)
    for (int i = 0; i < 4; ++i)
      b.push_back(uint8_t(v >> (8 * i)));
  return b;
}

class Safetensors : public TempDirTest {
protected:
  dlrt_checkpoint ck{};
  void TearDown() override {
    dlrt_checkpoint_free(&ck);
    TempDirTest::TearDown();
  }
  /// Loads a hand-made file; expects failure and returns the message.
  std::string fail(const Bytes &bytes) {
    std::string p = write("bad.safetensors", bytes);
    EXPECT_EQ(dlrt_load_safetensors(p.c_str(), &ck, &err), -1);
    EXPECT_EQ(ck.count, 0);
    EXPECT_EQ(ck.tensors, nullptr);
    return err.message;
  }
  /// One tensor "w" of `shape` with `offsets`, over `dataBytes` zero bytes.
  std::string failEntry(const std::string &entry, size_t dataBytes = 16) {
    return fail(file("{\"w\":" + entry + "}", Bytes(dataBytes, 0)));
  }
};

TEST_F(Safetensors, RoundTrip) {
  std::vector<float> kernel = {1, -2, 3.5f, 1e-30f, -0.0f, INFINITY};
  std::vector<float> bias = {0.25f, -7};
  float scalar = 42;
  std::vector<float> four(2 * 1 * 3 * 2);
  for (size_t i = 0; i < four.size(); ++i)
    four[i] = float(i) * 0.5f;
  dlrt_named_tensor t[5] = {};
  t[0] = {"dense.kernel", 2, {3, 2}, kernel.data()};
  t[1] = {"dense.bias", 1, {2}, bias.data()};
  t[2] = {"step", 0, {}, &scalar};
  t[3] = {"conv.1/weight", 4, {2, 1, 3, 2}, four.data()};
  t[4] = {"empty", 2, {0, 3}, nullptr};
  const char *meta[] = {"format", "pt", "note",
                        "quote \" backslash \\ tab \t é"};
  std::string p = path("model.safetensors");
  ASSERT_EQ(dlrt_save_safetensors(p.c_str(), t, 5, meta, 2, &err), 0)
      << err.message;
  ASSERT_EQ(dlrt_load_safetensors(p.c_str(), &ck, &err), 0) << err.message;
  ASSERT_EQ(ck.count, 5);
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(t[i].name);
    const dlrt_named_tensor &g = ck.tensors[i];
    EXPECT_STREQ(g.name, t[i].name);
    ASSERT_EQ(g.rank, t[i].rank);
    int64_t n = 1;
    for (int d = 0; d < g.rank; ++d) {
      EXPECT_EQ(g.shape[d], t[i].shape[d]);
      n *= g.shape[d];
    }
    EXPECT_NE(g.data, nullptr);
    if (n) {
      EXPECT_EQ(std::memcmp(g.data, t[i].data, 4 * size_t(n)), 0);
    }
  }
  ASSERT_EQ(ck.metadata_pairs, 2);
  EXPECT_STREQ(ck.metadata_kv[0], "format");
  EXPECT_STREQ(ck.metadata_kv[1], "pt");
  EXPECT_STREQ(ck.metadata_kv[2], "note");
  EXPECT_STREQ(ck.metadata_kv[3], meta[3]);
  const dlrt_named_tensor *b = dlrt_checkpoint_find(&ck, "dense.bias");
  ASSERT_NE(b, nullptr);
  EXPECT_FLOAT_EQ(b->data[1], -7);
  EXPECT_EQ(dlrt_checkpoint_find(&ck, "dense"), nullptr);
  EXPECT_EQ(entries(), std::vector<std::string>{"model.safetensors"});
}

TEST_F(Safetensors, WrittenBytesFollowTheFormat) {
  float w[2] = {1.0f, -2.0f};
  dlrt_named_tensor t = {"a.w", 1, {2}, w};
  const char *meta[] = {"format", "pt"};
  std::string p = path("x.safetensors");
  ASSERT_EQ(dlrt_save_safetensors(p.c_str(), &t, 1, meta, 1, &err), 0);
  std::string header =
      "{\"__metadata__\":{\"format\":\"pt\"},\"a.w\":{\"dtype\":"
      "\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  EXPECT_EQ(readAll(p), file(header, le({0x3f800000, 0xc0000000})));
  EXPECT_EQ(readAll(p).size() % 8, 0u); // the data section is aligned
}

TEST_F(Safetensors, ReadsAHandWrittenFile) {
  // Spaces, reordered keys, escapes and a scalar, as another writer may emit.
  std::string header =
      "{ \"lin.weight\" : {\"shape\": [2, 2], \"dtype\": \"F32\", "
      "\"data_offsets\": [0, 16]},\n \"__metadata__\": {\"k\": "
      "\"v\\\"q\\u00e9\\ud83d\\ude00\\n\"}, \"s\\u002ecalar\": {\"dtype\": "
      "\"F32\", \"shape\": [], \"data_offsets\": [16, 20]} }";
  std::string p = write("hand.safetensors",
                        file(header, le({0x3f800000, 0x40000000, 0xbf800000,
                                         0x3e800000, 0x42280000})));
  ASSERT_EQ(dlrt_load_safetensors(p.c_str(), &ck, &err), 0) << err.message;
  ASSERT_EQ(ck.count, 2);
  EXPECT_STREQ(ck.tensors[0].name, "lin.weight");
  EXPECT_EQ(ck.tensors[0].rank, 2);
  EXPECT_FLOAT_EQ(ck.tensors[0].data[0], 1.0f);
  EXPECT_FLOAT_EQ(ck.tensors[0].data[1], 2.0f);
  EXPECT_FLOAT_EQ(ck.tensors[0].data[2], -1.0f);
  EXPECT_FLOAT_EQ(ck.tensors[0].data[3], 0.25f);
  const dlrt_named_tensor *s = dlrt_checkpoint_find(&ck, "s.calar");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->rank, 0);
  EXPECT_FLOAT_EQ(s->data[0], 42.0f);
  ASSERT_EQ(ck.metadata_pairs, 1);
  EXPECT_STREQ(ck.metadata_kv[1], "v\"q\xc3\xa9\xf0\x9f\x98\x80\n");
}

TEST_F(Safetensors, EmptyCheckpoint) {
  std::string p = path("empty.safetensors");
  ASSERT_EQ(dlrt_save_safetensors(p.c_str(), nullptr, 0, nullptr, 0, &err), 0);
  EXPECT_EQ(readAll(p), file("{}"));
  ASSERT_EQ(dlrt_load_safetensors(p.c_str(), &ck, &err), 0) << err.message;
  EXPECT_EQ(ck.count, 0);
  EXPECT_EQ(ck.metadata_pairs, 0);
}

TEST_F(Safetensors, TruncatedLength) {
  EXPECT_TRUE(mentions(fail(Bytes{1, 0, 0}).c_str(),
                       {"bad.safetensors", "byte 0", "truncated", "found 3"}));
}

TEST_F(Safetensors, EveryTruncationFailsCleanly) {
  float w[6] = {1, 2, 3, 4, 5, 6};
  dlrt_named_tensor t[2] = {{"a", 2, {2, 2}, w}, {"b", 1, {2}, w + 4}};
  std::string p = path("full.safetensors");
  ASSERT_EQ(dlrt_save_safetensors(p.c_str(), t, 2, nullptr, 0, &err), 0);
  Bytes full = readAll(p);
  for (size_t n = 0; n < full.size(); ++n) {
    SCOPED_TRACE(n);
    std::string m = fail(Bytes(full.begin(), full.begin() + long(n)));
    EXPECT_TRUE(mentions(m.c_str(), {"bad.safetensors", "byte "}));
    dlrt_checkpoint_free(&ck);
  }
}

TEST_F(Safetensors, HeaderLongerThanTheFile) {
  Bytes b = file("{}");
  b[0] = 200;
  EXPECT_TRUE(
      mentions(fail(b).c_str(), {"bad.safetensors", "byte 0", "header length",
                                 "at most 8", "found 200"}));
  Bytes huge = file("{}");
  huge[7] = 0x7f; // ~2^62: a random binary file's first bytes
  EXPECT_TRUE(mentions(fail(huge).c_str(), {"byte 0", "100 MB"}));
}

TEST_F(Safetensors, InvalidJsonNamesTheOffset) {
  std::string h = "{\"w\": {\"dtype\": \"F32\", \"shape\": [2,], "
                  "\"data_offsets\": [0, 8]}}";
  std::string at = std::to_string(8 + h.find(",]") + 1);
  EXPECT_TRUE(mentions(
      fail(file(h, Bytes(8))).c_str(),
      {"bad.safetensors", "byte " + at, "expected a value", "found ']'"}));
  h = "{\"w\" {}}";
  EXPECT_TRUE(mentions(fail(file(h)).c_str(),
                       {"byte 13", "expected ':'", "found '{'"}));
  h = "{\"w\": \"unterminated}";
  EXPECT_TRUE(mentions(fail(file(h, {}, false)).c_str(),
                       {"byte " + std::to_string(8 + h.size()), "closing '\"'",
                        "the end of the header"}));
  h = "{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, "
      "4]}}";
  EXPECT_TRUE(mentions(fail(file(h, Bytes(4))).c_str(),
                       {"expected an integer", "found '.'"}));
  h = "{\"a\": \"\\x\"}";
  EXPECT_TRUE(mentions(fail(file(h)).c_str(), {"byte 16", "an escape"}));
  h = "{} trailing";
  EXPECT_TRUE(mentions(fail(file(h)).c_str(),
                       {"byte 11", "expected the end of the header"}));
  h = "[1, 2]";
  EXPECT_TRUE(mentions(fail(file(h)).c_str(), {"byte 8", "'{'"}));
  h = "{\"a\": true}";
  EXPECT_TRUE(mentions(fail(file(h)).c_str(), {"byte 14", "expected a value"}));
  h = "{\"a\": 99999999999999999999}";
  EXPECT_TRUE(mentions(fail(file(h)).c_str(), {"below 2^63"}));
  h = "{\"a\": " + std::string(5000, '[');
  EXPECT_TRUE(mentions(fail(file(h)).c_str(), {"deeper than 32"}));
}

TEST_F(Safetensors, WrongDtype) {
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}")
          .c_str(),
      {"bad.safetensors", "byte 22", "tensor 'w'", "expected dtype F32",
       "found F16"}));
}

TEST_F(Safetensors, DataOffsetsOutOfRange) {
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}")
          .c_str(),
      {"tensor 'w'", "data_offsets within the 16 data bytes", "[0, 400]"}));
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}")
          .c_str(),
      {"[8, 4]"}));
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}")
          .c_str(),
      {"[-4, 0]"}));
}

TEST_F(Safetensors, SizeDoesNotMatchShape) {
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}")
          .c_str(),
      {"tensor 'w'", "expected 16 bytes for shape [2, 2]", "spanning 12"}));
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],"
                "\"data_offsets\":[0,16]}")
          .c_str(),
      {"needs more than the file's 16 data bytes"}));
}

TEST_F(Safetensors, BadShapes) {
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}")
          .c_str(),
      {"non-negative dimension", "found -1"}));
  EXPECT_TRUE(
      mentions(failEntry("{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],"
                         "\"data_offsets\":[0,4]}")
                   .c_str(),
               {"rank of at most 8", "found 9"}));
  EXPECT_TRUE(
      mentions(failEntry("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}").c_str(),
               {"'shape'"}));
  EXPECT_TRUE(mentions(
      failEntry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],"
                "\"extra\":1}")
          .c_str(),
      {"found 'extra'"}));
}

TEST_F(Safetensors, DuplicateNames) {
  std::string e = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
  EXPECT_TRUE(mentions(
      fail(file("{\"w\":" + e + ",\"w\":" + e + "}", Bytes(4))).c_str(),
      {"bad.safetensors", "duplicate tensor name 'w'"}));
  float x = 1;
  dlrt_named_tensor t[2] = {{"w", 0, {}, &x}, {"w", 0, {}, &x}};
  std::string p = path("dup.safetensors");
  EXPECT_EQ(dlrt_save_safetensors(p.c_str(), t, 2, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {p, "duplicate tensor name 'w'"}));
  EXPECT_FALSE(std::filesystem::exists(p));
}

TEST_F(Safetensors, BadMetadata) {
  EXPECT_TRUE(mentions(fail(file("{\"__metadata__\":{\"k\":1}}")).c_str(),
                       {"metadata 'k'", "expected a string"}));
  EXPECT_TRUE(mentions(fail(file("{\"__metadata__\":[]}")).c_str(),
                       {"__metadata__", "an object"}));
}

TEST_F(Safetensors, MissingFile) {
  std::string p = path("none.safetensors");
  EXPECT_EQ(dlrt_load_safetensors(p.c_str(), &ck, &err), -1);
  EXPECT_TRUE(mentions(err.message, {p, "cannot open", "No such file"}));
}

TEST_F(Safetensors, InvalidTensorsAreRejectedBeforeWriting) {
  float x = 1;
  dlrt_named_tensor t = {"w", 9, {}, &x};
  std::string p = path("r.safetensors");
  EXPECT_EQ(dlrt_save_safetensors(p.c_str(), &t, 1, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {"tensor 'w'", "rank from 0 to 8"}));
  t = {"w", 1, {-3}, &x};
  EXPECT_EQ(dlrt_save_safetensors(p.c_str(), &t, 1, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {"non-negative"}));
  t = {"caf\xe9", 0, {}, &x}; // Latin-1, which Python could not read
  EXPECT_EQ(dlrt_save_safetensors(p.c_str(), &t, 1, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {"UTF-8"}));
  t = {"__metadata__", 0, {}, &x};
  EXPECT_EQ(dlrt_save_safetensors(p.c_str(), &t, 1, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {"reserved"}));
  EXPECT_TRUE(entries().empty());
}

class AtomicSave : public Safetensors {
protected:
  float old[3] = {1, 2, 3};
  std::string target;
  Bytes before;
  void SetUp() override {
    Safetensors::SetUp();
    target = path("ckpt.safetensors");
    dlrt_named_tensor t = {"w", 1, {3}, old};
    ASSERT_EQ(dlrt_save_safetensors(target.c_str(), &t, 1, nullptr, 0, &err),
              0);
    before = readAll(target);
  }
};

TEST_F(AtomicSave, FailureMidWriteKeepsThePreviousFile) {
  float fresh[2] = {9, 9};
  dlrt_named_tensor t[2] = {{"w", 1, {2}, fresh}, {"b", 1, {4}, nullptr}};
  EXPECT_EQ(dlrt_save_safetensors(target.c_str(), t, 2, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {target, "tensor 'b'", "no data"}));
  EXPECT_EQ(readAll(target), before);
  EXPECT_EQ(entries(), std::vector<std::string>{"ckpt.safetensors"});
  ASSERT_EQ(dlrt_load_safetensors(target.c_str(), &ck, &err), 0);
  EXPECT_FLOAT_EQ(ck.tensors[0].data[2], 3);
}

TEST_F(AtomicSave, ReplacesAnExistingFile) {
  float fresh[2] = {9, 8};
  dlrt_named_tensor t = {"v", 1, {2}, fresh};
  ASSERT_EQ(dlrt_save_safetensors(target.c_str(), &t, 1, nullptr, 0, &err), 0);
  ASSERT_EQ(dlrt_load_safetensors(target.c_str(), &ck, &err), 0);
  EXPECT_STREQ(ck.tensors[0].name, "v");
  EXPECT_EQ(entries(), std::vector<std::string>{"ckpt.safetensors"});
}

TEST_F(AtomicSave, TargetIsADirectory) {
  std::filesystem::create_directory(path("adir"));
  std::string d = path("adir");
  dlrt_named_tensor t = {"w", 1, {3}, old};
  EXPECT_EQ(dlrt_save_safetensors(d.c_str(), &t, 1, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {d, "cannot replace"}));
  EXPECT_TRUE(std::filesystem::is_directory(d));
  EXPECT_EQ(entries(), (std::vector<std::string>{"adir", "ckpt.safetensors"}));
  EXPECT_EQ(dlrt_load_safetensors(d.c_str(), &ck, &err), -1);
  EXPECT_TRUE(mentions(err.message, {d}));
}

TEST_F(AtomicSave, RemovesTemporariesOfDeadProcesses) {
  // A process that has exited: its pid names no process any more.
  pid_t dead = fork();
  ASSERT_GE(dead, 0);
  if (dead == 0)
    _exit(0);
  ASSERT_EQ(waitpid(dead, nullptr, 0), dead);
  std::string stale = "ckpt.safetensors.tmp." + std::to_string(dead) + ".0";
  std::string stale2 = "ckpt.safetensors.tmp." + std::to_string(dead) + ".17";
  // Kept: a live process's (pid 1 always exists), ours, another file's,
  // and names that only look similar.
  std::string live = "ckpt.safetensors.tmp.1.0";
  std::string ours = "ckpt.safetensors.tmp." + std::to_string(getpid()) + ".99";
  std::string other = "other.safetensors.tmp." + std::to_string(dead) + ".0";
  std::string odd1 = "ckpt.safetensors.tmp." + std::to_string(dead) + ".0.bak";
  std::string odd2 = "ckpt.safetensors.tmp.notes";
  for (const std::string &n : {stale, stale2, live, ours, other, odd1, odd2})
    write(n, "x");
  dlrt_named_tensor t = {"w", 1, {3}, old};
  ASSERT_EQ(dlrt_save_safetensors(target.c_str(), &t, 1, nullptr, 0, &err), 0);
  std::vector<std::string> want = {
      "ckpt.safetensors", live, ours, odd1, odd2, other};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(entries(), want);
}

TEST_F(AtomicSave, DirectoryMissing) {
  std::string p = path("no/such/dir/x.safetensors");
  dlrt_named_tensor t = {"w", 1, {3}, old};
  EXPECT_EQ(dlrt_save_safetensors(p.c_str(), &t, 1, nullptr, 0, &err), -1);
  EXPECT_TRUE(mentions(err.message, {p, "cannot create", "No such file"}));
}

} // namespace
