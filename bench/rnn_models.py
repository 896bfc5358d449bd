"""Issue #12's recurrent models in PyTorch, for bench/rnn_step.py and
bench/rnn_epoch.py: the seed's RNN (SimpleRNN(50, return_sequences),
SimpleRNN(50), Dense(1)) and an LSTM(64) -> Dense(1), both reading
[batch, steps, 1] and forecasting from the last step."""
import torch


class Seed(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.r1 = torch.nn.RNN(1, 50, batch_first=True)
        s.r2 = torch.nn.RNN(50, 50, batch_first=True)
        s.d = torch.nn.Linear(50, 1)

    def forward(s, x):
        h, _ = s.r1(x)
        h, _ = s.r2(h)
        return s.d(h[:, -1])


class LSTM64(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.r = torch.nn.LSTM(1, 64, batch_first=True)
        s.d = torch.nn.Linear(64, 1)

    def forward(s, x):
        h, _ = s.r(x)
        return s.d(h[:, -1])
