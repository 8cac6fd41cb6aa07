"""Monte-Carlo ridge on the actual network features of a file-based spec (Python 3 + NumPy).

A sanity check of the reference (theory.md section 6, "Monte-Carlo agreement"): draw x ~ N(0,
Omega_0), push it through the realised student (and teacher) weights with activations centred at
their population Gaussian mean kappa0 (theory.md section 4), fit the ridge readout in the sum
convention and measure the test error (with label noise) on fresh samples.
"""

import math
import os

import numpy as np

import rainbow_reference as ref


class Model:
    def __init__(self, spec_path):
        spec_path = os.path.abspath(spec_path)
        base_dir = os.path.dirname(spec_path)
        spec = ref._load_json(spec_path)
        self.spec = spec
        mom = ref.compute_moments(spec, base_dir)
        self.d, self.omega0, samples = ref._input_covariance(spec, base_dir)
        if samples is not None:
            raise ValueError("Monte-Carlo of data-driven specs is not supported")
        ev, vec = np.linalg.eigh(self.omega0)
        self.sqrt0 = vec * np.sqrt(np.maximum(ev, 0.0))  # x = sqrt0 @ z
        student = mom["student"]
        tspec = spec["teacher"]
        self.kind = tspec["kind"]
        teacher = []
        if self.kind == "network":
            teacher = ref._network_layers(tspec["network"], "teacher", base_dir, self.d)
        resolver = ref.WeightResolver(student + teacher)
        self.student = [(layer.activation, resolver.weights(layer.id), step.k0)
                        for layer, step in zip(student, mom["steps"])]
        self.teacher = []
        cov = self.omega0
        for layer in teacher:
            step = ref.LayerStep(layer, resolver.weights(layer.id), cov)
            cov = step.cov_out
            self.teacher.append((layer.activation, resolver.weights(layer.id), step.k0))
        if self.kind == "linear":
            self.readout = ref._load_npy(base_dir, tspec["weights"]["file"]).reshape(-1)
        elif self.kind in ("student", "network"):
            self.readout = ref._load_npy(base_dir, tspec["readout"]["file"]).reshape(-1)
        else:
            raise ValueError("teacher kind %r not simulated" % self.kind)
        self.noise = float(tspec.get("noise", 0.0))

    @staticmethod
    def _forward(layers, x):
        h = x
        for act, w, k0 in layers:
            h = act(h @ w.T) - k0[None, :]  # centred with the population kappa0
        return h

    def draw(self, m, rng):
        x = rng.standard_normal((m, self.d)) @ self.sqrt0.T
        phi = self._forward(self.student, x)
        if self.kind == "linear":
            f = x @ self.readout
        elif self.kind == "student":
            f = phi @ self.readout
        else:
            f = self._forward(self.teacher, x) @ self.readout
        y = f + self.noise * rng.standard_normal(m)
        return phi, y


def simulate(spec_path, n, lam, repeats=20, test_samples=4000, seed=12345):
    """Mean and standard error of the test and train errors of ridge (sum-convention lam)."""
    model = Model(spec_path)
    rng = np.random.default_rng(seed)
    tests, trains = [], []
    for _ in range(repeats):
        f, y = model.draw(n, rng)
        p = f.shape[1]
        w = np.linalg.solve(f.T @ f + lam * np.eye(p), f.T @ y)
        trains.append(float(np.mean((y - f @ w) ** 2)))
        ft, yt = model.draw(test_samples, rng)
        tests.append(float(np.mean((yt - ft @ w) ** 2)))
    tests, trains = np.array(tests), np.array(trains)
    se = lambda a: float(np.std(a, ddof=1) / math.sqrt(len(a)))
    return {"testError": float(tests.mean()), "testErrorSE": se(tests),
            "trainError": float(trains.mean()), "trainErrorSE": se(trains), "repeats": repeats}


def empirical_moments(spec_path, samples=200000, batch=20000, seed=777):
    """Omega, psi, sigma2 of the simulated (centred) features, estimated from many samples:
    separates the linearisation error of the moments (theory.md section 4) from the error of
    the deterministic equivalent itself (section 3)."""
    model = Model(spec_path)
    rng = np.random.default_rng(seed)
    p = model.student[-1][1].shape[0]
    omega, psi, sigma2 = np.zeros((p, p)), np.zeros(p), 0.0
    for _ in range(samples // batch):
        f, y = model.draw(batch, rng)
        omega += f.T @ f
        psi += f.T @ y
        sigma2 += float(y @ y)
    m = (samples // batch) * batch
    return omega / m, psi / m, sigma2 / m
