//===- NpyFuzzer.cpp - libFuzzer target: the .npy reader ------------------===//
//
// The input is a .npy file; a loaded one is gathered like the training
// loop's batches and written back.
//
//===----------------------------------------------------------------------===//
#include "MemFile.h"
#include "dlrt/dlrt.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MemFile file(data, size);
  dlrt_dataset ds{};
  dlrt_error err;
  if (dlrt_load_npy(file.c_str(), &ds, &err) == 0) {
    std::string x(size_t(ds.sample_size) * sizeof(float), '\0');
    dlrt_gather(&ds, nullptr, ds.count - 1, 1,
                reinterpret_cast<float *>(x.data()), nullptr);
    dlrt_dataset_free(&ds);
  }
  return 0;
}
