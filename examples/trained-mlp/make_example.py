"""Creates the data and the trained weights of the trained-mlp example.

A two-layer tanh network is trained by full-batch gradient descent on a synthetic regression task
(inputs with a power-law covariance, a mostly linear target with a mild non-linearity), as in
Section 5 of Schröder et al. (2024): the trained hidden weights are then frozen and Rainbow Lab
predicts the learning curve of ridge regression on their features, with data-driven moments.
Training stays in the lazy regime (small steps, weights move little from their initialisation),
where the theory tracks the frozen features; the data-driven moments carry only the part of the
target that is linear in the inputs (theory.md section 5), so a strongly non-linear target or
feature learning far from initialisation would make the prediction pessimistic.

Training rows and population rows are kept apart: the network is trained on N_train rows that are
not saved, and X.npy / y.npy are N fresh rows of the same distribution. Rainbow Lab computes the
data-driven moments and draws its simulated training and test sets from X.npy / y.npy, so its
"test error" is the error on data the network was never trained on (reusing the training rows
would make the population contain them).

Writes X.npy (N x d inputs, float32), y.npy (N labels), W1.npy (PyTorch layout, width x fan-in)
and W2.npy (Keras layout, fan-in x width). Deterministic: python3 make_example.py
"""
import numpy as np

rng = np.random.default_rng(2024)
N_train, N, d, k1, k2 = 2000, 2000, 80, 160, 160

scales = np.arange(1, d + 1) ** -0.5
a = rng.standard_normal(d) / np.sqrt(scales.sum())


def sample(rows):
    x = rng.standard_normal((rows, d)) * np.sqrt(scales)
    return x, x @ a + 0.2 * np.tanh(x @ a) + 0.1 * rng.standard_normal(rows)


X_train, y_train = sample(N_train)  # what the network is trained on (not saved)
X, y = sample(N)  # the population Rainbow Lab uses

W1 = rng.standard_normal((k1, d)) / np.sqrt(d)
W2 = rng.standard_normal((k2, k1)) / np.sqrt(k1)
v = rng.standard_normal(k2) / np.sqrt(k2)

learning_rate, steps = 0.05, 100
for step in range(steps):
    h1 = np.tanh(X_train @ W1.T)
    h2 = np.tanh(h1 @ W2.T)
    residual = h2 @ v - y_train
    g_out = residual[:, None] * v[None, :] * (1 - h2**2) / N_train
    g_W2 = g_out.T @ h1
    g_h1 = (g_out @ W2) * (1 - h1**2)
    g_W1 = g_h1.T @ X_train
    v -= learning_rate * (h2.T @ residual / N_train)
    W2 -= learning_rate * g_W2
    W1 -= learning_rate * g_W1
    if step % 25 == 0 or step == steps - 1:
        print(f"step {step}: training mse {np.mean(residual**2):.4f}")

np.save("X.npy", X.astype(np.float32))
np.save("y.npy", y)
np.save("W1.npy", W1)
np.save("W2.npy", W2.T.copy())  # Keras layout: x @ W
