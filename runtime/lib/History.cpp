//===- History.cpp - the training history as CSV and as an SVG plot
//--------===//
//
// A table of doubles with named columns (epoch, loss, accuracy, val_loss,
// ...), NaN for "not measured". The CSV is for pandas and spreadsheets; the
// SVG draws what Keras users plot by hand from history.history: one panel
// per metric, train and validation curves together. Plain SVG 1.1, no
// scripts or fonts, so any browser (or rsvg-convert) shows it.
//
//===----------------------------------------------------------------------===//
#include "AtomicFile.h"
#include "Error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using dlrt::fail;

int checkTable(const char *path, const char *const *columns, int32_t ncols,
               const double *rows, int64_t nrows, int32_t minCols,
               dlrt_error *err) {
  if (!path)
    return fail(err, "expected a history file name, found NULL");
  if (ncols < minCols || !columns)
    return fail(err, "'{}': expected at least {} columns, found {}", path,
                minCols, columns ? ncols : 0);
  for (int32_t i = 0; i < ncols; ++i)
    if (!columns[i] || !*columns[i])
      return fail(err, "'{}': column {} has no name", path, i);
  if (nrows < 0 || (nrows > 0 && !rows))
    return fail(err, "'{}': expected {} rows, found none", path, nrows);
  return 0;
}

/// RFC 4180: quote a field only when it needs it.
std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos)
    return s;
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + '"';
}

std::string xmlEscape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// An axis with "nice" ticks (steps of 1, 2 or 5 x 10^k) over the data
/// range plus a 5% margin, as matplotlib draws it.
struct Axis {
  double lo = 0, hi = 1, step = 0.2;
  int decimals = 1;

  Axis(double min, double max, bool integral) {
    if (!std::isfinite(min) || !std::isfinite(max)) {
      min = 0;
      max = 1;
    }
    if (max == min) {
      double pad = min == 0 ? 1 : std::fabs(min) * 0.1;
      min -= pad;
      max += pad;
    }
    lo = min - 0.05 * (max - min);
    hi = max + 0.05 * (max - min);
    double raw = (hi - lo) / 5, mag = std::pow(10, std::floor(std::log10(raw)));
    double f = raw / mag;
    step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    if (integral && step < 1)
      step = 1;
    decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
  }

  std::vector<double> ticks() const {
    std::vector<double> t;
    for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step;
         ++k)
      t.push_back(std::fabs(k) < 0.5 ? 0.0 : k * step);
    return t;
  }

  std::string label(double v) const {
    return fmt::format("{:.{}f}", v, decimals);
  }
};

struct Series {
  int32_t column;
  bool validation;
};

struct Panel {
  std::string metric;
  std::vector<Series> series;
};

/// Groups `x` with `val_x`, in the order the columns first mention them.
std::vector<Panel> panelsOf(const char *const *columns, int32_t ncols) {
  std::vector<Panel> panels;
  for (int32_t c = 1; c < ncols; ++c) {
    std::string name = columns[c];
    bool val = name.rfind("val_", 0) == 0 && name.size() > 4;
    std::string metric = val ? name.substr(4) : name;
    auto it = std::find_if(panels.begin(), panels.end(),
                           [&](const Panel &p) { return p.metric == metric; });
    if (it == panels.end())
      it = panels.insert(panels.end(), Panel{metric, {}});
    it->series.push_back({c, val});
  }
  for (Panel &p : panels) // train before validation, whatever the column order
    std::stable_sort(p.series.begin(), p.series.end(),
                     [](const Series &a, const Series &b) {
                       return !a.validation && b.validation;
                     });
  return panels;
}

// Layout of one panel, in pixels.
constexpr double kPanelW = 460, kPanelH = 320, kLeft = 66, kRight = 18,
                 kTop = 40, kBottom = 52, kTitleH = 36;
constexpr const char *kTrainColor = "#1f77b4", *kValColor = "#ff7f0e";

std::string renderSvg(const char *title, const char *const *columns,
                      int32_t ncols, const double *rows, int64_t nrows) {
  std::vector<Panel> panels = panelsOf(columns, ncols);
  auto at = [&](int64_t r, int32_t c) { return rows[r * ncols + c]; };
  int cols = int(std::min<size_t>(panels.size(), 3));
  int rowsOfPanels = int((panels.size() + size_t(cols) - 1) / size_t(cols));
  double top = title && *title ? kTitleH : 8;
  double width = cols * kPanelW, height = top + rowsOfPanels * kPanelH;

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"Helvetica, "
      "Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  if (title && *title)
    s += fmt::format("<text x=\"{}\" y=\"24\" text-anchor=\"middle\" "
                     "font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                     width / 2, xmlEscape(title));

  // The x axis is shared: integral when every x is (epochs).
  double xmin = INFINITY, xmax = -INFINITY;
  bool integral = true;
  for (int64_t r = 0; r < nrows; ++r)
    if (std::isfinite(at(r, 0))) {
      xmin = std::min(xmin, at(r, 0));
      xmax = std::max(xmax, at(r, 0));
      integral &= at(r, 0) == std::floor(at(r, 0));
    }
  Axis xa(xmin, xmax, integral);
  bool markers = nrows <= 40;

  for (size_t i = 0; i < panels.size(); ++i) {
    const Panel &p = panels[i];
    double px = double(i % size_t(cols)) * kPanelW,
           py = top + double(i / size_t(cols)) * kPanelH;
    double ymin = INFINITY, ymax = -INFINITY;
    for (const Series &ser : p.series)
      for (int64_t r = 0; r < nrows; ++r)
        if (std::isfinite(at(r, ser.column))) {
          ymin = std::min(ymin, at(r, ser.column));
          ymax = std::max(ymax, at(r, ser.column));
        }
    Axis ya(ymin, ymax, false);
    // Room for the widest tick label (about 7 px a character) and the
    // rotated axis label left of it.
    size_t chars = 0;
    for (double t : ya.ticks())
      chars = std::max(chars, ya.label(t).size());
    double left = std::max(kLeft, 7.0 * double(chars) + 34);
    double x0 = px + left, x1 = px + kPanelW - kRight, y0 = py + kTop,
           y1 = py + kPanelH - kBottom;
    auto sx = [&](double x) {
      return x0 + (x - xa.lo) / (xa.hi - xa.lo) * (x1 - x0);
    };
    auto sy = [&](double y) {
      return y1 - (y - ya.lo) / (ya.hi - ya.lo) * (y1 - y0);
    };

    s += fmt::format("<g class=\"panel\" id=\"{}\">\n", xmlEscape(p.metric));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"14\" "
                     "font-weight=\"bold\">{}</text>\n",
                     x0, py + 22, xmlEscape(p.metric));
    // Grid and ticks.
    for (double t : xa.ticks()) {
      double x = sx(t);
      s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" "
                       "y2=\"{2:.1f}\" stroke=\"#e6e6e6\"/>\n"
                       "<line x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{0:.1f}\" "
                       "y2=\"{3:.1f}\" stroke=\"#444\"/>\n"
                       "<text x=\"{0:.1f}\" y=\"{4:.1f}\" "
                       "text-anchor=\"middle\">{5}</text>\n",
                       x, y0, y1, y1 + 5, y1 + 18, xa.label(t));
    }
    for (double t : ya.ticks()) {
      double y = sy(t);
      s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" "
                       "y2=\"{1:.1f}\" stroke=\"#e6e6e6\"/>\n"
                       "<line x1=\"{3:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" "
                       "y2=\"{1:.1f}\" stroke=\"#444\"/>\n"
                       "<text x=\"{4:.1f}\" y=\"{5:.1f}\" "
                       "text-anchor=\"end\">{6}</text>\n",
                       x0, y, x1, x0 - 5, x0 - 8, y + 4, ya.label(t));
    }
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                     "height=\"{:.1f}\" fill=\"none\" stroke=\"#444\"/>\n",
                     x0, y0, x1 - x0, y1 - y0);
    // Axis labels.
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
                     "font-size=\"13\">{}</text>\n",
                     (x0 + x1) / 2, y1 + 38, xmlEscape(columns[0]));
    s += fmt::format("<text transform=\"translate({:.1f} {:.1f}) rotate(-90)\" "
                     "text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
                     x0 - 7.0 * double(chars) - 20, (y0 + y1) / 2,
                     xmlEscape(p.metric));
    // The curves: one path each, lifting the pen over missing values.
    for (const Series &ser : p.series) {
      const char *color = ser.validation ? kValColor : kTrainColor;
      std::string d, dots;
      bool pen = false;
      for (int64_t r = 0; r < nrows; ++r) {
        double x = at(r, 0), y = at(r, ser.column);
        if (!std::isfinite(x) || !std::isfinite(y)) {
          pen = false;
          continue;
        }
        d += fmt::format("{}{:.1f},{:.1f} ", pen ? "L" : "M", sx(x), sy(y));
        pen = true;
        if (markers)
          dots += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" "
                              "fill=\"{}\"/>",
                              sx(x), sy(y), color);
      }
      if (!d.empty())
        d.pop_back();
      s += fmt::format("<path class=\"series\" data-column=\"{}\" d=\"{}\" "
                       "fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
                       "stroke-linejoin=\"round\"/>\n",
                       xmlEscape(columns[ser.column]), d, color);
      if (!dots.empty())
        s += dots + "\n";
    }
    // The legend: top right, above the plot, where it never hides a curve.
    double lx = x1;
    for (auto it = p.series.rbegin(); it != p.series.rend(); ++it) {
      const char *label = it->validation ? "validation" : "train";
      const char *color = it->validation ? kValColor : kTrainColor;
      lx -= 7.0 * double(std::string(label).size()) + 30;
      s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" "
                       "y2=\"{1:.1f}\" stroke=\"{3}\" stroke-width=\"2\"/>"
                       "<circle cx=\"{4:.1f}\" cy=\"{1:.1f}\" r=\"3\" "
                       "fill=\"{3}\"/>"
                       "<text x=\"{5:.1f}\" y=\"{6:.1f}\">{7}</text>\n",
                       lx, py + 18, lx + 18, color, lx + 9, lx + 22, py + 22,
                       label);
    }
    s += "</g>\n";
  }
  return s + "</svg>\n";
}

} // namespace

extern "C" int dlrt_write_history_csv(const char *path,
                                      const char *const *columns, int32_t ncols,
                                      const double *rows, int64_t nrows,
                                      dlrt_error *err) {
  if (checkTable(path, columns, ncols, rows, nrows, 1, err))
    return -1;
  std::string s;
  for (int32_t c = 0; c < ncols; ++c)
    s += (c ? "," : "") + csvField(columns[c]);
  s += '\n';
  for (int64_t r = 0; r < nrows; ++r) {
    for (int32_t c = 0; c < ncols; ++c) {
      double v = rows[r * ncols + c];
      if (c)
        s += ',';
      if (!std::isnan(v)) // shortest round-trip form: 1, 0.4983, 1e-05
        s += fmt::format("{}", v);
    }
    s += '\n';
  }
  return dlrt::writeBytes(path, s, err);
}

extern "C" int dlrt_write_history_svg(const char *path, const char *title,
                                      const char *const *columns, int32_t ncols,
                                      const double *rows, int64_t nrows,
                                      dlrt_error *err) {
  if (checkTable(path, columns, ncols, rows, nrows, 2, err))
    return -1;
  std::string s = renderSvg(title, columns, ncols, rows, nrows);
  return dlrt::writeBytes(path, s, err);
}

extern "C" int dlrt_read_history_csv(const char *path,
                                     const char *const *columns, int32_t ncols,
                                     double max_epoch, double **rows,
                                     int64_t *nrows, dlrt_error *err) {
  if (!rows || !nrows)
    return fail(err, "expected somewhere to put the history rows, found NULL");
  *rows = nullptr;
  *nrows = 0;
  if (checkTable(path, columns, ncols, nullptr, 0, 1, err))
    return -1;
  std::FILE *f = std::fopen(path, "rb");
  if (!f)
    return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
    text.append(buf, n);
  std::fclose(f);

  std::string header;
  for (int32_t c = 0; c < ncols; ++c)
    header += (c ? "," : "") + csvField(columns[c]);
  std::vector<double> kept;
  size_t at = 0;
  for (int64_t line = 1; at < text.size(); ++line) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos)
      end = text.size();
    std::string row = text.substr(at, end - at);
    at = end + 1;
    if (!row.empty() && row.back() == '\r')
      row.pop_back();
    if (line == 1) {
      if (row != header)
        return fail(err,
                    "'{}': line 1: expected the columns '{}' of this run, "
                    "found '{}'",
                    path, header, row);
      continue;
    }
    if (row.empty())
      continue;
    std::vector<double> values;
    size_t col = 0;
    for (int32_t c = 0; c < ncols; ++c) {
      size_t comma = c + 1 < ncols ? row.find(',', col) : row.size();
      if (comma == std::string::npos)
        return fail(err, "'{}': line {}: expected {} values, found {}", path,
                    line, ncols, c + 1);
      std::string cell = row.substr(col, comma - col);
      double v = NAN; // an empty cell: not measured
      if (!cell.empty()) {
        char *stop = nullptr;
        errno = 0;
        v = std::strtod(cell.c_str(), &stop);
        if (*stop || errno == ERANGE)
          return fail(err,
                      "'{}': line {}, column {}: expected a number for '{}', "
                      "found '{}'",
                      path, line, col + 1, columns[c], cell);
      }
      values.push_back(v);
      col = comma + 1;
    }
    if (std::isnan(values[0]))
      return fail(err,
                  "'{}': line {}, column 1: expected the epoch, found "
                  "an empty cell",
                  path, line);
    if (values[0] <= max_epoch)
      kept.insert(kept.end(), values.begin(), values.end());
  }
  if (kept.empty())
    return 0;
  *rows = static_cast<double *>(std::malloc(kept.size() * sizeof(double)));
  if (!*rows)
    return fail(err, "'{}': out of memory", path);
  std::copy(kept.begin(), kept.end(), *rows);
  *nrows = int64_t(kept.size()) / ncols;
  return 0;
}
