//===- IdxFuzzer.cpp - libFuzzer target: the IDX reader -------------------===//
//
// The input is an IDX image file (raw or gzip); the same bytes are also read
// as the label file of a fixed, valid one-image set, and as labels for the
// input itself; and mapped (dlrt_load_idx_mapped, dlc's reader of the cached
// decoded copies) as images with themselves as labels.
//
//===----------------------------------------------------------------------===//
#include "MemFile.h"
#include "dlrt/dlrt.h"

namespace {
// One 2x2 image: magic (ubyte, rank 3), dims 1 x 2 x 2, pixels.
const uint8_t kOneImage[] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0,
                             0, 2, 0, 0, 0, 2, 1, 2, 3, 4};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MemFile file(data, size);
  MemFile image(kOneImage, sizeof kOneImage);
  dlrt_error err;
  dlrt_dataset ds{};
  if (dlrt_load_idx_images(file.c_str(), 1.0f / 255, &ds, &err) == 0) {
    if (ds.count > 0) {
      std::string x(size_t(ds.sample_size) * sizeof(float), '\0');
      dlrt_gather(&ds, nullptr, ds.count - 1, 1,
                  reinterpret_cast<float *>(x.data()), nullptr);
    }
    dlrt_dataset_free(&ds);
  }
  dlrt_dataset labelled{};
  if (dlrt_load_idx(image.c_str(), file.c_str(), 1.0f, &labelled, &err) == 0)
    dlrt_dataset_free(&labelled);
  dlrt_dataset self{};
  if (dlrt_load_idx(file.c_str(), file.c_str(), 1.0f, &self, &err) == 0)
    dlrt_dataset_free(&self);
  dlrt_dataset mapped{};
  if (dlrt_load_idx_mapped(file.c_str(), file.c_str(), 1.0f, &mapped, &err) ==
      0) {
    std::string x(size_t(mapped.sample_size) * sizeof(float), '\0');
    dlrt_gather(&mapped, nullptr, mapped.count - 1, 1,
                reinterpret_cast<float *>(x.data()), nullptr);
    dlrt_dataset_free(&mapped);
  }
  return 0;
}
