//===- CsvFuzzer.cpp - libFuzzer target: the CSV reader -------------------===//
//
// The input is a CSV file, read labelled (label column chosen by the first
// byte: -2 .. 5) and as features only.
//
//===----------------------------------------------------------------------===//
#include "MemFile.h"
#include "dlrt/dlrt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int32_t column = size ? int32_t(data[0] % 8) - 2 : 0;
  MemFile file(data, size);
  dlrt_dataset ds{};
  dlrt_error err;
  if (dlrt_load_csv(file.c_str(), column, 1.0f, &ds, &err) == 0) {
    // A labelled set splits and gathers like the training loop's.
    dlrt_dataset validation{};
    if (dlrt_split(&ds, 0.25, &validation, &err) == 0)
      dlrt_dataset_free(&validation);
    if (ds.count > 0) {
      std::string x(size_t(ds.sample_size) * sizeof(float), '\0');
      int32_t label;
      dlrt_gather(&ds, nullptr, ds.count - 1, 1,
                  reinterpret_cast<float *>(x.data()), &label);
    }
    dlrt_dataset_free(&ds);
  }
  dlrt_dataset features{};
  if (dlrt_load_csv_features(file.c_str(), 0.5f, &features, &err) == 0)
    dlrt_dataset_free(&features);
  return 0;
}
