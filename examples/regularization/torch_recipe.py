"""The recipes of plain.dl and regularized.dl in PyTorch 1.13, for the
comparison in docs/training.md: the first 5,000 Fashion-MNIST training
images, the last 20% of them held out (Keras's validation_split), batch 32
reshuffled every epoch, Adam(1e-3, eps=1e-7 as Keras), Keras's default
initialisers (Glorot uniform kernels, zero biases). `regularized` adds
Dropout(0.3) after each hidden layer, 1e-5 * sum(kernel^2) per hidden
kernel in the loss (Keras's l2, also in the validation loss) and early
stopping on the validation loss (patience 10, best weights restored).
usage: torch_recipe.py plain|regularized SEED [DATA_DIR]
Prints the epochs run and the test accuracy."""
import copy
import gzip
import sys

import numpy as np
import torch
import torch.nn as nn

recipe, seed = sys.argv[1], int(sys.argv[2])
D = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/datasets/fashion-mnist"
torch.manual_seed(seed)
torch.set_num_threads(1)


def idx(path):
    data = gzip.open(path).read()
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(dims)


x = torch.tensor(idx(f"{D}/train-images-idx3-ubyte.gz")[:5000], dtype=torch.float32).reshape(-1, 784) / 255
y = torch.tensor(idx(f"{D}/train-labels-idx1-ubyte.gz")[:5000], dtype=torch.long)
xte = torch.tensor(idx(f"{D}/t10k-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(-1, 784) / 255
yte = torch.tensor(idx(f"{D}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
xtr, ytr, xva, yva = x[:4000], y[:4000], x[4000:], y[4000:]

reg = recipe == "regularized"
p = 0.3 if reg else 0.0
layers = [nn.Linear(784, 512), nn.ReLU(), nn.Dropout(p),
          nn.Linear(512, 512), nn.ReLU(), nn.Dropout(p), nn.Linear(512, 10)]
model = nn.Sequential(*layers)
for m in model:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
hidden = [layers[0].weight, layers[3].weight]
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
ce = nn.CrossEntropyLoss()


def penalty():
    return sum(1e-5 * (w ** 2).sum() for w in hidden) if reg else 0.0


best, best_state, wait, epochs = float("inf"), None, 0, 0
for epoch in range(50):
    model.train()
    order = torch.randperm(4000)
    for i in range(0, 4000, 32):
        b = order[i:i + 32]
        opt.zero_grad()
        loss = ce(model(xtr[b]), ytr[b]) + penalty()
        loss.backward()
        opt.step()
    epochs = epoch + 1
    if not reg:
        continue
    model.eval()
    with torch.no_grad():
        val = (ce(model(xva), yva) + penalty()).item()
    if val < best:
        best, best_state, wait = val, copy.deepcopy(model.state_dict()), 0
    else:
        wait += 1
        if wait >= 10:
            break
if best_state is not None:
    model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    acc = (model(xte).argmax(1) == yte).float().mean().item()
print(f"{recipe} seed {seed}: {epochs} epochs, test accuracy {acc:.4f}")
