//===- Summary.cpp - --summary, a Keras-style model table -----------------===//
//
//   Model: "mnist_mlp"
//   ______________________________________________________________
//    Layer (type)                 Output Shape               Param #
//   ==============================================================
//    flatten (Flatten)            (None, 784)                      0
//    ...
//   ==============================================================
//   Total params: 101,770 (397.54 KB)
//   Trainable params: 101,770 (397.54 KB)
//   Non-trainable params: 0 (0.00 B)
//   ______________________________________________________________
//
// Sizes count 4 bytes per f32 parameter, in Keras's units (1 KB = 1024 B).
//
//===----------------------------------------------------------------------===//

#include "Diagnostics.h"

#include "dl/Frontend/Frontend.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace dlc;
using namespace dlc::detail;

namespace {

std::string kerasShape(const Shape &shape) {
  std::string out = "(None";
  for (int64_t d : shape)
    out += ", " + (d < 0 ? std::string("None") : std::to_string(d));
  return out + ")";
}

/// Keras's readable_memory_size: "397.54 KB".
std::string memorySize(int64_t numParams) {
  static const char *units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  double size = static_cast<double>(numParams) * 4;
  size_t unit = 0;
  while (size / 1024 >= 1 && unit + 1 < std::size(units)) {
    size /= 1024;
    ++unit;
  }
  std::string out;
  llvm::raw_string_ostream(out)
      << llvm::format("%.2f", size) << ' ' << units[unit];
  return out;
}

} // namespace

void dlc::printSummary(const ModelSpec &spec, llvm::raw_ostream &os) {
  struct Row {
    std::string layer, shape, params;
  };
  std::vector<Row> rows;
  int64_t total = 0, trainable = 0;
  for (const LayerSpec &layer : spec.layers) {
    int64_t count = 0;
    for (int p : layer.params) {
      int64_t n = spec.params[p].numElements();
      count += n;
      if (spec.params[p].trainable)
        trainable += n;
    }
    total += count;
    llvm::StringRef type =
        layer.kind ? layer.kind->getKerasName() : "InputLayer";
    rows.push_back({layer.name + " (" + type.str() + ")",
                    kerasShape(layer.outShape),
                    withThousandsSeparators(count)});
  }

  size_t layerWidth = 28, shapeWidth = 24, paramWidth = 12;
  for (const Row &row : rows) {
    layerWidth = std::max(layerWidth, row.layer.size() + 2);
    shapeWidth = std::max(shapeWidth, row.shape.size() + 2);
    paramWidth = std::max(paramWidth, row.params.size());
  }
  size_t width = 1 + layerWidth + shapeWidth + paramWidth;
  auto rule = [&](char c) { os << std::string(width, c) << '\n'; };
  auto printRow = [&](llvm::StringRef layer, llvm::StringRef shape,
                      llvm::StringRef params) {
    os << ' ' << llvm::left_justify(layer, layerWidth)
       << llvm::left_justify(shape, shapeWidth)
       << llvm::right_justify(params, paramWidth) << '\n';
  };

  os << "Model: \"" << spec.name << "\"\n";
  rule('_');
  printRow("Layer (type)", "Output Shape", "Param #");
  rule('=');
  for (const Row &row : rows)
    printRow(row.layer, row.shape, row.params);
  rule('=');
  os << "Total params: " << withThousandsSeparators(total) << " ("
     << memorySize(total) << ")\n";
  os << "Trainable params: " << withThousandsSeparators(trainable) << " ("
     << memorySize(trainable) << ")\n";
  os << "Non-trainable params: " << withThousandsSeparators(total - trainable)
     << " (" << memorySize(total - trainable) << ")\n";
  rule('_');
}
