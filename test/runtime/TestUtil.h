//===- TestUtil.h - fixtures for the runtime unit tests ---------*- C++ -*-===//
#ifndef DLRT_TEST_TESTUTIL_H
#define DLRT_TEST_TESTUTIL_H

#include "dlrt/dlrt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

namespace dlrt_test {

using Bytes = std::vector<uint8_t>;

/// A fresh directory per test, removed afterwards: fixtures never touch the
/// source tree.
class TempDirTest : public ::testing::Test {
protected:
  std::string dir;
  dlrt_error err{};

  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "dlrt-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << tmpl;
    dir = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::string path(const std::string &name) const { return dir + "/" + name; }

  std::string write(const std::string &name, const Bytes &bytes) const {
    std::string p = path(name);
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()),
               std::streamsize(bytes.size()));
    return p;
  }
  std::string write(const std::string &name, const std::string &text) const {
    return write(name, Bytes(text.begin(), text.end()));
  }

  /// The directory's entries, sorted (to spot left-over temporary files).
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(dir))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

inline Bytes readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

inline std::string readText(const std::string &path) {
  Bytes b = readAll(path);
  return std::string(b.begin(), b.end());
}

/// Passes when `message` contains every one of `words`.
inline ::testing::AssertionResult
mentions(const char *message, std::initializer_list<std::string> words) {
  for (const std::string &w : words)
    if (std::string(message).find(w) == std::string::npos)
      return ::testing::AssertionFailure()
             << "'" << message << "' does not mention '" << w << "'";
  return ::testing::AssertionSuccess();
}

} // namespace dlrt_test

#endif // DLRT_TEST_TESTUTIL_H
