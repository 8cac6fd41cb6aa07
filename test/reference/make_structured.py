#!/usr/bin/env python3
"""Regenerates test/golden/structured/<name>/ (Python 3 + NumPy only).

    python3 test/reference/make_structured.py

The golden cases load every weight matrix from a file, so they never exercise the engine's
Gaussian weights with structured row covariances (`powerLaw`, `diagonal`, `spiked`, `gram`,
`inverseGram`) or `plus` terms drawn from its own generator. Here the reference draws its own
weights with the same row covariances (`rainbow_reference.py --draw-weights SEED`), for SEEDS
seeds per case, and records the mean and the standard deviation over seeds of every number the
test compares. The engine runs the same spec with `"seed"` 1..SEEDS; both averages estimate the
same expectation over the weight distribution, with independent draws, so they must agree within
the combined standard error (test/golden/structured.test.ts states the tolerance).

Readouts and betas live in files (the same for every seed on both sides): the seed-to-seed
spread then comes from the weights alone. Deterministic: rerunning it rewrites the same bytes
(same NumPy version).
"""

import json
import math
import os
import shutil
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rainbow_reference as ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "test", "golden", "structured")
SCHEMA = "../../../../schemas/rainbow.schema.json"
SEEDS = 24


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def experiment(title, **fields):
    spec = {"$schema": SCHEMA, "kind": "experiment", "title": title}
    spec.update(fields)
    return spec


def case_powerlaw_spiked_diagonal():
    name = "powerlaw-spiked-diagonal"
    rng = rng_for(name)
    d = 60
    # D3's row covariance: diagonal entries from 0.5 to 2 over its fan-in (S2's width, 90).
    diag = [round(0.5 + 1.5 * i / 89, 6) for i in range(90)]
    arrays = {"beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "powerLaw, spiked and diagonal row covariances, power-law input, linear teacher",
        input={"dimension": d, "covariance": {"powerLaw": 0.4}},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.2},
        student={"layers": [
            {"id": "P1", "width": 80, "activation": "tanh",
             "weights": {"gaussian": {"rowCovariance": {"powerLaw": 0.6}, "scale": 1.3}}},
            {"id": "S2", "width": 90, "activation": "relu",
             "weights": {"gaussian": {"rowCovariance": {"spiked": {"strength": 4, "rank": 3}}}}},
            {"id": "D3", "width": 70, "activation": "erf",
             "weights": {"gaussian": {"rowCovariance": {"diagonal": diag}}}}]},
        ridge={"lambda": [0.05, 2.0], "convention": "sum"},
        samples={"n": [30, 200, 1000]})
    return name, spec, arrays


def case_gram_inverse_gram():
    name = "gram-inverse-gram"
    rng = rng_for(name)
    arrays = {"theta.npy": rng.standard_normal(40) / math.sqrt(40)}
    spec = experiment(
        "gram and inverseGram row covariances after default Gaussian weights, student teacher",
        input={"dimension": 50},
        teacher={"kind": "student", "readout": {"file": "theta.npy"}, "noise": 0.1},
        student={"layers": [
            {"id": "G1", "width": 70, "activation": "tanh"},
            {"id": "G2", "width": 60, "activation": "relu",
             "weights": {"gaussian": {"rowCovariance": {"gram": {"layer": "G1", "shift": 0.3}}}}},
            {"id": "G3", "width": 40, "activation": "gelu",
             "weights": {"gaussian": {"rowCovariance": {"inverseGram": {"layer": "G2", "shift": 0.5}},
                                      "scale": 1.5}}}]},
        ridge={"lambda": [0.01, 0.5], "convention": "mean"},
        samples={"n": [20, 100, 600]})
    return name, spec, arrays


def case_plus_teacher_network():
    name = "plus-teacher-network"
    rng = rng_for(name)
    arrays = {"theta.npy": rng.standard_normal(50) / math.sqrt(50)}
    spec = experiment(
        "student layer correlated with a structured teacher layer through plus",
        input={"dimension": 60},
        teacher={"kind": "network", "readout": {"file": "theta.npy"}, "noise": 0.0,
                 "network": {"layers": [
                     {"id": "T1", "width": 80, "activation": "erf",
                      "weights": {"gaussian": {"rowCovariance": {"powerLaw": 0.3}}}},
                     {"id": "T2", "width": 50, "activation": "tanh"}]}},
        student={"layers": [
            {"id": "U1", "width": 80, "activation": "relu",
             "weights": {"gaussian": {"scale": 0.6}, "plus": [{"layer": "T1", "scale": 0.8}]}},
            {"id": "U2", "width": 70, "activation": "tanh"}]},
        ridge={"lambda": [0.1, 3.0], "convention": "sum"},
        samples={"n": [40, 300, 1500]})
    return name, spec, arrays


def compared(out):
    """The numbers the test compares, by JSON pointer into the prediction output."""
    values = {"/target/variance": out["target"]["variance"]}
    for i, layer in enumerate(out["layers"]):
        for key in ("preactivationVariance", "kappa1", "kappaStar"):
            values["/layers/%d/%s" % (i, key)] = layer[key]
        for key in ("min", "max", "mean"):
            values["/layers/%d/spectrum/%s" % (i, key)] = layer["spectrum"][key]
    for i, point in enumerate(out["points"]):
        for key in ("testError", "trainError"):
            values["/points/%d/%s" % (i, key)] = point[key]
    return values


def main():
    for make in (case_powerlaw_spiked_diagonal, case_gram_inverse_gram, case_plus_teacher_network):
        name, spec, arrays = make()
        folder = os.path.join(CASES, name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        for fname, arr in arrays.items():
            np.save(os.path.join(folder, fname), arr)
        spec_path = os.path.join(folder, "spec.rainbow.json")
        with open(spec_path, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(spec, indent=2) + "\n")
        runs = [compared(ref.predict(spec_path, weight_seed=seed)) for seed in range(1, SEEDS + 1)]
        summary = {}
        for pointer in runs[0]:
            xs = np.array([run[pointer] for run in runs])
            summary[pointer] = {"mean": float(xs.mean()), "std": float(xs.std(ddof=1))}
        with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"seeds": SEEDS, "values": summary}, indent=2) + "\n")
        worst = max(v["std"] / max(abs(v["mean"]), 1e-12) for v in summary.values())
        print("%-26s %3d numbers over %d seeds, largest relative spread %.3g"
              % (name, len(summary), SEEDS, worst))


if __name__ == "__main__":
    main()
