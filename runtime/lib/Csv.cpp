//===- Csv.cpp - numeric CSV with a label column
//---------------------------===//
#include "Error.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {
struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};

/// Splits one line at commas (no quoting: numeric data only).
std::vector<std::string> fields(const std::string &line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',')
      out.emplace_back();
    else if (c != '\r')
      out.back() += c;
  }
  return out;
}

/// What a cell holds.
enum class Cell { Number, NotANumber, NonFinite, OutOfRange };

/// Parses a cell as a float32 value (before any scaling).
Cell parseNumber(const std::string &s, double &v) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  if (b == std::string::npos)
    return Cell::NotANumber;
  std::string t = s.substr(b, e - b + 1);
  char *end = nullptr;
  errno = 0;
  v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size())
    return Cell::NotANumber;
  if (std::isnan(v) || std::isinf(v))
    // "inf", "nan", "infinity": strtod reads them, no data set means them.
    return errno == ERANGE ? Cell::OutOfRange : Cell::NonFinite;
  // Beyond float's range the value would load as infinity; below it
  // (ERANGE on underflow) it rounds to zero or a subnormal, which is fine.
  if (std::fabs(v) > double(std::numeric_limits<float>::max()) &&
      std::isinf(float(v)))
    return Cell::OutOfRange;
  return Cell::Number;
}
} // namespace

namespace {
/// `targetColumns` non-empty: float targets in those columns instead of a
/// class label.
int loadCsv(const char *path, bool labelled, int32_t labelColumn, float scale,
            dlrt_dataset *out, dlrt_error *err,
            const std::vector<int32_t> &targetColumns = {}) {
  using dlrt::fail;
  *out = dlrt_dataset{};
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path, "rb"));
  if (!f)
    return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  std::vector<float> x;
  std::vector<int32_t> labels;
  std::vector<float> targets;
  // Per column: its position among the targets, or -1 for a feature.
  std::vector<int64_t> targetIndex;
  const bool regression = !targetColumns.empty();
  int64_t columns = -1, lineNo = 0, offset = 0;
  int32_t classes = 0;
  std::string line;
  int c;
  bool eof = false;
  while (!eof) {
    line.clear();
    int64_t lineStart = offset;
    while ((c = std::fgetc(f.get())) != EOF && c != '\n') {
      line += char(c);
      ++offset;
    }
    eof = c == EOF;
    if (!eof)
      ++offset;
    ++lineNo;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    // A UTF-8 byte order mark is not part of the first cell.
    if (lineStart == 0 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
      line.erase(0, 3);
    std::vector<std::string> cells = fields(line);
    if (columns < 0) {
      columns = int64_t(cells.size());
      if (labelled && columns < 2)
        return fail(err,
                    "'{}': line {} (byte {}): expected at least 2 "
                    "columns (features and a label), found {}",
                    path, lineNo, lineStart, columns);
      if (regression) {
        targetIndex.assign(columns, -1);
        for (size_t k = 0; k < targetColumns.size(); ++k) {
          int64_t t = targetColumns[k] < 0 ? columns + targetColumns[k]
                                           : targetColumns[k];
          if (t < 0 || t >= columns)
            return fail(err,
                        "'{}': target column {} does not exist; the file "
                        "has {} columns",
                        path,
                        targetColumns[k] < 0
                            ? std::to_string(targetColumns[k]) +
                                  " (from the end)"
                            : std::to_string(targetColumns[k] + 1),
                        columns);
          if (targetIndex[t] >= 0)
            return fail(err, "'{}': target column {} is given twice", path,
                        t + 1);
          targetIndex[t] = int64_t(k);
        }
        if (int64_t(targetColumns.size()) >= columns)
          return fail(err,
                      "'{}': line {} (byte {}): expected features besides "
                      "the {} target columns, found {} columns",
                      path, lineNo, lineStart, targetColumns.size(), columns);
      }
      // A header only when no cell of the first row is a number: a typo in
      // one cell of a data row must be an error, not a dropped sample.
      bool header = true;
      for (const std::string &cell : cells) {
        double v;
        header &= parseNumber(cell, v) == Cell::NotANumber;
      }
      if (header)
        continue;
    }
    if (int64_t(cells.size()) != columns)
      return fail(err, "'{}': line {} (byte {}): expected {} columns, found {}",
                  path, lineNo, lineStart, columns, cells.size());
    int64_t lc = !labelled || regression ? -1
                 : labelColumn < 0       ? columns + labelColumn
                                         : labelColumn;
    if (labelled && !regression && (lc < 0 || lc >= columns))
      return fail(err,
                  "'{}': label column {} does not exist; the file has "
                  "{} columns",
                  path, labelColumn, columns);
    size_t firstTarget = targets.size();
    if (regression)
      targets.resize(firstTarget + targetColumns.size());
    for (int64_t i = 0; i < columns; ++i) {
      double v;
      switch (parseNumber(cells[i], v)) {
      case Cell::Number:
        break;
      case Cell::NotANumber:
        return fail(err,
                    "'{}': line {} (byte {}): column {}: expected a number, "
                    "found '{}'",
                    path, lineNo, lineStart, i + 1, cells[i]);
      case Cell::NonFinite:
        return fail(err,
                    "'{}': line {} (byte {}): column {}: expected a finite "
                    "number, found '{}'",
                    path, lineNo, lineStart, i + 1, cells[i]);
      case Cell::OutOfRange:
        return fail(err,
                    "'{}': line {} (byte {}): column {}: '{}' is outside "
                    "float's range (magnitude up to 3.4028235e+38)",
                    path, lineNo, lineStart, i + 1, cells[i]);
      }
      if (regression && targetIndex[i] >= 0) {
        targets[firstTarget + targetIndex[i]] = float(v);
      } else if (i == lc) {
        if (v < 0 || v != std::floor(v) || v > 1e6)
          return fail(err,
                      "'{}': line {} (byte {}): expected a class index "
                      "(integer >= 0) in label column {}, found '{}'",
                      path, lineNo, lineStart, lc + 1, cells[i]);
        labels.push_back(int32_t(v));
        classes = std::max(classes, int32_t(v) + 1);
      } else {
        float scaled = float(v) * scale;
        if (!std::isfinite(scaled))
          return fail(err,
                      "'{}': line {} (byte {}): column {}: '{}' times the "
                      "scale {} is outside float's range",
                      path, lineNo, lineStart, i + 1, cells[i], scale);
        x.push_back(scaled);
      }
    }
  }
  if (x.empty() && labels.empty() && targets.empty())
    return fail(err, "'{}': no data rows", path);
  dlrt_dataset ds{};
  ds.sample_size = columns - (regression ? int64_t(targetColumns.size())
                              : labelled ? 1
                                         : 0);
  ds.count = int64_t(x.size()) / std::max<int64_t>(ds.sample_size, 1);
  ds.rank = 1;
  ds.shape[0] = ds.sample_size;
  ds.num_classes = classes;
  ds.x = static_cast<float *>(
      std::malloc(sizeof(float) * std::max<size_t>(x.size(), 1)));
  ds.labels =
      labelled && !regression
          ? static_cast<int32_t *>(std::malloc(sizeof(int32_t) * ds.count))
          : nullptr;
  if (regression) {
    ds.target_size = int64_t(targetColumns.size());
    ds.targets = static_cast<float *>(
        std::malloc(sizeof(float) * std::max<size_t>(targets.size(), 1)));
  }
  if (!ds.x || (labelled && !regression && !ds.labels) ||
      (regression && !ds.targets)) {
    std::free(ds.x);
    std::free(ds.labels);
    std::free(ds.targets);
    return fail(err, "'{}': out of memory", path);
  }
  std::copy(x.begin(), x.end(), ds.x);
  std::copy(labels.begin(), labels.end(), ds.labels);
  std::copy(targets.begin(), targets.end(), ds.targets);
  *out = ds;
  return 0;
}
} // namespace

extern "C" int dlrt_load_csv(const char *path, int32_t labelColumn, float scale,
                             dlrt_dataset *out, dlrt_error *err) {
  return loadCsv(path, /*labelled=*/true, labelColumn, scale, out, err);
}

extern "C" int dlrt_load_csv_features(const char *path, float scale,
                                      dlrt_dataset *out, dlrt_error *err) {
  return loadCsv(path, /*labelled=*/false, 0, scale, out, err);
}

extern "C" int dlrt_load_csv_targets(const char *path, const int32_t *columns,
                                     int32_t numColumns, float scale,
                                     dlrt_dataset *out, dlrt_error *err) {
  if (numColumns < 1 || !columns) {
    *out = dlrt_dataset{};
    return dlrt::fail(err, "'{}': expected at least one target column", path);
  }
  std::vector<int32_t> targetColumns(columns, columns + numColumns);
  return loadCsv(path, /*labelled=*/true, 0, scale, out, err, targetColumns);
}
