//===- SafetensorsFuzzer.cpp - libFuzzer target: the checkpoint reader ----===//
//
// The input is a safetensors file; what loads is read through, element by
// element, and every tensor is looked up by its name.
//
//===----------------------------------------------------------------------===//
#include "MemFile.h"
#include "dlrt/dlrt.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MemFile file(data, size);
  dlrt_checkpoint ckpt{};
  dlrt_error err;
  if (dlrt_load_safetensors(file.c_str(), &ckpt, &err) != 0)
    return 0;
  // Touch every element and every name, as the loaders of dlc do.
  volatile float sum = 0;
  for (int64_t i = 0; i < ckpt.count; ++i) {
    const dlrt_named_tensor &t = ckpt.tensors[i];
    int64_t n = 1;
    for (int32_t d = 0; d < t.rank; ++d)
      n *= t.shape[d];
    for (int64_t j = 0; j < n; ++j)
      sum = sum + t.data[j];
    if (dlrt_checkpoint_find(&ckpt, t.name) == nullptr)
      abort(); // a tensor that loads is found by its own name
  }
  for (int64_t i = 0; i < 2 * ckpt.metadata_pairs; ++i)
    (void)strlen(ckpt.metadata_kv[i]);
  dlrt_checkpoint_free(&ckpt);
  return 0;
}
