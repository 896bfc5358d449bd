// Classifies Fashion-MNIST test images with the model compiled into this
// binary (weights included) and prints its accuracy — the same number
// `dlc evaluate` reports for the checkpoint it was built from.
#include "mnist_mlp.h"

#include "dlrt/dlrt.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

static const char *kClasses[] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

int main(int argc, char **argv) {
  std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  std::string images = dir + "/t10k-images-idx3-ubyte.gz";
  std::string labels = dir + "/t10k-labels-idx1-ubyte.gz";
  dlrt_dataset test;
  dlrt_error err;
  if (dlrt_load_idx(images.c_str(), labels.c_str(), 1.0f / 255, &test, &err)) {
    std::fprintf(stderr, "error: %s\n", err.message);
    return 1;
  }
  if (test.sample_size != MNIST_MLP_INPUT_SIZE) {
    std::fprintf(
        stderr, "error: %s has %lld values per image, the model takes %d\n",
        images.c_str(), (long long)test.sample_size, MNIST_MLP_INPUT_SIZE);
    return 1;
  }
  std::vector<float> x(test.count * test.sample_size);
  std::vector<float> probs(test.count * MNIST_MLP_OUTPUT_SIZE);
  dlrt_gather(&test, nullptr, 0, test.count, x.data(), nullptr);
  mnist_mlp_predict(x.data(), probs.data(), test.count); // no parameter buffer
  int64_t correct = 0;
  for (int64_t i = 0; i < test.count; ++i) {
    const float *p = probs.data() + i * MNIST_MLP_OUTPUT_SIZE;
    int best = int(std::max_element(p, p + MNIST_MLP_OUTPUT_SIZE) - p);
    correct += best == test.labels[i];
    if (i < 5)
      std::printf("image %lld: %-11s (%.3f), true %s\n", (long long)i,
                  kClasses[best], p[best], kClasses[test.labels[i]]);
  }
  std::printf("embedded model: %lld/%lld correct, accuracy %.4f\n",
              (long long)correct, (long long)test.count,
              double(correct) / double(test.count));
  dlrt_dataset_free(&test);
  return 0;
}
