"""examples/fashion_resnet.dl's recipe in PyTorch 1.13, one thread: the same
layers (Keras's initialisers: Glorot uniform kernels, BatchNorm momentum
0.99 = PyTorch's 0.01, epsilon 1e-3), Adam(1e-3, eps=1e-7 as Keras), batch
BATCH reshuffled every epoch, the 60,000 training images scaled to [0, 1].
usage: fashion_resnet_torch.py EPOCHS BATCH SEED [DATA_DIR]
Prints each epoch's seconds and the test accuracy. bench/run.py imports
Net and keras_init as its PyTorch peer of the residual CNN."""
import gzip
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

def idx(path):
    data = gzip.open(path).read()
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
            for i in range(data[3])]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(dims)


def conv(cin, cout, k):
    return nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.s, self.sb = conv(1, 16, 3), bn(16)
        self.c1, self.b1, self.c2, self.b2 = conv(16, 16, 3), bn(16), conv(16, 16, 3), bn(16)
        self.q, self.qb = conv(16, 32, 1), bn(32)
        self.c3, self.b3, self.c4, self.b4 = conv(32, 32, 3), bn(32), conv(32, 32, 3), bn(32)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        p0 = F.max_pool2d(F.relu(self.sb(self.s(x))), 2)
        o1 = F.relu(self.b2(self.c2(F.relu(self.b1(self.c1(p0))))) + p0)
        qb = self.qb(self.q(F.max_pool2d(o1, 2)))
        o2 = F.relu(self.b4(self.c4(F.relu(self.b3(self.c3(qb))))) + qb)
        return self.out(o2.mean((2, 3)))


def keras_init(model):
    """Keras's initialisers: Glorot uniform kernels, zero biases."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def main():
    epochs, batch, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    D = sys.argv[4] if len(sys.argv) > 4 else "/usr/share/datasets/fashion-mnist"
    torch.manual_seed(seed)
    torch.set_num_threads(1)

    def images(name):
        a = idx(f"{D}/{name}-images-idx3-ubyte.gz").astype(np.float32) / 255
        return torch.from_numpy(a).reshape(-1, 1, 28, 28)

    xtr, xte = images("train"), images("t10k")
    ytr = torch.from_numpy(idx(f"{D}/train-labels-idx1-ubyte.gz").astype(np.int64))
    yte = torch.from_numpy(idx(f"{D}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = keras_init(Net())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    for epoch in range(epochs):
        model.train()
        start = time.time()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), batch):
            b = order[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(model(xtr[b]), ytr[b]).backward()
            opt.step()
        print(f"epoch {epoch + 1}: {time.time() - start:.1f} s")
    model.eval()
    with torch.no_grad():
        correct = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                      for i in range(0, len(xte), 1000))
    print(f"test accuracy {correct / len(xte):.4f}")


if __name__ == "__main__":
    main()
