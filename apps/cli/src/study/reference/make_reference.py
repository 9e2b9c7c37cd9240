#!/usr/bin/python3
"""Reference results for part (c) of `ffnn reproduce`: scikit-learn MLPRegressor and PyTorch on our setup.

Run with Debian's Python (python3-torch 1.13, python3-sklearn 1.2, python3-numpy), not a pyenv Python:

    node apps/cli/dist/bin.js reproduce c --profile test --out /tmp/c   # writes /tmp/c/c/setup.json
    /usr/bin/python3 apps/cli/src/study/reference/make_reference.py /tmp/c/c/setup.json

`setup.json` holds our Runge split (standardized degree-10 polynomial features [1, x, …, x^10], 800 train
and 200 test rows), the initial weights of our 11→100→1 ReLU network (He-normal, seed 1993) and the fit
seed. The script trains, for 500 epochs with SGD η = 0.01, batch 64, no penalty, in float64:

- PyTorch with OUR initial weights and OUR batch order (the permutation of every epoch comes from the Python
  port of `@ffnn/tensor`'s Rng in packages/layers/fixtures/make_pytorch_fixtures.py), so its curve should
  match ours to round-off;
- scikit-learn MLPRegressor(hidden_layer_sizes=(100,), relu, sgd, momentum 0, alpha 0, batch 64) with its
  own initialisation and shuffling (random_state 1993), one `partial_fit` per epoch.

It writes `runge-reference.json` next to itself: per-epoch training loss (mean MSE over the epoch's batches,
weighted by batch size; scikit-learn's `loss_curve_` is ½·MSE, doubled here) and test MSE, plus a
fingerprint of the setup so `reproduce` can tell whether the fixture still matches its data.
"""
import importlib.util
import json
import os
import sys

import numpy as np
import sklearn
import torch
from sklearn.neural_network import MLPRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..', '..'))
EPOCHS = 500


def load_rng():
    path = os.path.join(ROOT, 'packages', 'layers', 'fixtures', 'make_pytorch_fixtures.py')
    spec = importlib.util.spec_from_file_location('ffnn_fixtures', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.FfnnRng


def torch_run(s, FfnnRng):
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    X = torch.tensor(s['Xtrain']); Y = torch.tensor(s['Ytrain']).reshape(-1, 1)
    Xt = torch.tensor(s['Xtest']); Yt = torch.tensor(s['Ytest']).reshape(-1, 1)
    l1 = torch.nn.Linear(11, 100); l2 = torch.nn.Linear(100, 1)
    with torch.no_grad():
        l1.weight.copy_(torch.tensor(s['W1']).T); l1.bias.copy_(torch.tensor(s['b1']))
        l2.weight.copy_(torch.tensor(s['W2']).T); l2.bias.copy_(torch.tensor(s['b2']))
    model = torch.nn.Sequential(l1, torch.nn.ReLU(), l2)
    opt = torch.optim.SGD(model.parameters(), lr=s['lr'])
    rng = FfnnRng(s['fitSeed'])
    n = X.shape[0]
    train_loss, test_mse = [], []
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, s['batchSize']):
            idx = torch.tensor(order[start:start + s['batchSize']])
            opt.zero_grad()
            loss = torch.mean((model(X[idx]) - Y[idx]) ** 2)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        train_loss.append(total / n)
        with torch.no_grad():
            test_mse.append(torch.mean((model(Xt) - Yt) ** 2).item())
    return {'library': f'PyTorch {torch.__version__}', 'init': 'ffnn initial weights and batch order', 'trainLoss': train_loss, 'testMse': test_mse}


def sklearn_run(s):
    X = np.array(s['Xtrain']); Y = np.array(s['Ytrain']).ravel()
    Xt = np.array(s['Xtest']); Yt = np.array(s['Ytest']).ravel()
    m = MLPRegressor(hidden_layer_sizes=(100,), activation='relu', solver='sgd', learning_rate_init=s['lr'],
                     learning_rate='constant', momentum=0.0, nesterovs_momentum=False, alpha=0.0,
                     batch_size=s['batchSize'], shuffle=True, random_state=s['fitSeed'])
    train_loss, test_mse = [], []
    for _ in range(EPOCHS):
        m.partial_fit(X, Y)
        train_loss.append(2.0 * m.loss_curve_[-1])
        test_mse.append(float(np.mean((m.predict(Xt) - Yt) ** 2)))
    return {'library': f'scikit-learn {sklearn.__version__}', 'init': 'scikit-learn Glorot-uniform init, own shuffling (random_state 1993)', 'trainLoss': train_loss, 'testMse': test_mse}


def main():
    setup_path = sys.argv[1]
    with open(setup_path) as fh:
        s = json.load(fh)
    FfnnRng = load_rng()
    out = {
        'generator': 'apps/cli/src/study/reference/make_reference.py',
        'epochs': EPOCHS,
        'fingerprint': s['fingerprint'],
        'pytorch': torch_run(s, FfnnRng),
        'sklearn': sklearn_run(s),
    }
    path = os.path.join(HERE, 'runge-reference.json')
    with open(path, 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
