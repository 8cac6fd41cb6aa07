"""Trained two-layer networks for the validity study (test/study/, `npm run study`).

A two-layer tanh network x -> v . tanh(W x) (d = 30 inputs, k = 150 hidden units) is trained by
full-batch gradient methods on training rows, and its hidden weights W are frozen at three stages:
at initialisation, after 100 small gradient-descent steps (the lazy regime) and after 2000 Adam
steps (feature learning). Two targets: a strongly non-linear one and a linear one. The study then
predicts ridge regression on the frozen features tanh(W x) with data-driven moments and compares
with simulation.

Training rows and population rows are apart: the network is trained on X_train (not saved); the
moments and the simulation use the population rows X.npy with their labels, drawn independently.

Writes X.npy (population inputs, float32), y-nonlinear.npy, y-linear.npy (population labels) and
W-<stage>-<target>.npy (PyTorch layout, k x d). Deterministic: python3 make_trained.py
"""
import numpy as np

rng = np.random.default_rng(12)
d, k, n_train, n_population = 30, 150, 2000, 2000
u = rng.standard_normal(d) / np.sqrt(d)
w = rng.standard_normal(d) / np.sqrt(d)
a = rng.standard_normal(d) / np.sqrt(d)


def targets(x, noise):
    # Strongly non-linear: a quadratic ridge function (no linear part) plus a steep sigmoid-like one.
    nonlinear = (x @ u) ** 2 - u @ u + np.tanh(3 * (x @ w)) + noise * rng.standard_normal(len(x))
    linear = x @ a + noise * rng.standard_normal(len(x))
    return {"nonlinear": nonlinear, "linear": linear}


X_train = rng.standard_normal((n_train, d))
X = rng.standard_normal((n_population, d))
train_labels = targets(X_train, 0.1)
population_labels = targets(X, 0.1)
W0 = rng.standard_normal((k, d)) / np.sqrt(d)
v0 = rng.standard_normal(k) / np.sqrt(k)


def gradients(W, v, y):
    h = np.tanh(X_train @ W.T)
    residual = h @ v - y
    g_v = h.T @ residual / n_train
    g_W = ((residual[:, None] * v[None, :]) * (1 - h**2)).T @ X_train / n_train
    return g_W, g_v, np.mean(residual**2)


def gradient_descent(y, steps, rate):
    W, v = W0.copy(), v0.copy()
    for _ in range(steps):
        g_W, g_v, _ = gradients(W, v, y)
        W -= rate * g_W
        v -= rate * g_v
    return W


def adam(y, steps, rate, beta1=0.9, beta2=0.999, eps=1e-8):
    W, v = W0.copy(), v0.copy()
    m = [np.zeros_like(W), np.zeros_like(v)]
    s = [np.zeros_like(W), np.zeros_like(v)]
    for t in range(1, steps + 1):
        g_W, g_v, mse = gradients(W, v, y)
        for i, (p, g) in enumerate(((W, g_W), (v, g_v))):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            s[i] = beta2 * s[i] + (1 - beta2) * g * g
            p -= rate * (m[i] / (1 - beta1**t)) / (np.sqrt(s[i] / (1 - beta2**t)) + eps)
        if t % 500 == 0:
            print(f"adam step {t}: training mse {mse:.4f}")
    return W


np.save("X.npy", X.astype(np.float32))
for name, y in population_labels.items():
    np.save(f"y-{name}.npy", y)
for name, y in train_labels.items():
    np.save(f"W-init-{name}.npy", W0) if name == "nonlinear" else None
    np.save(f"W-lazy-{name}.npy", gradient_descent(y, 100, 0.05))
    np.save(f"W-adam-{name}.npy", adam(y, 2000, 0.01))
