#!/usr/bin/env python3
"""Regenerates the golden cases in test/golden/cases/<name>/ (Python 3 + NumPy only).

    python3 test/reference/make_golden.py            # cases + expected.json + self-checks
    python3 test/reference/make_golden.py --no-mc    # skip the Monte-Carlo sanity check

For every case it writes the `.npy` inputs (drawn from a fixed NumPy seed per case), the
`spec.rainbow.json` experiment and `expected.json`, the output of
`rainbow_reference.py spec.rainbow.json`. Then it runs the reference's self-checks: closed-form
Hermite coefficients and Gaussian cross moments, the Marchenko-Pastur ridge risk, two
consistency identities between teacher kinds, and a Monte-Carlo simulation of two cases.
Deterministic: rerunning it reproduces every file byte for byte (same NumPy version).
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rainbow_reference as ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "test", "golden", "cases")
REFERENCE = os.path.join(HERE, "rainbow_reference.py")
SCHEMA = "../../../../schemas/rainbow.schema.json"


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def gaussian(rng, rows, cols):
    """Z with i.i.d. N(0, 1/fan_in) entries (theory.md section 4)."""
    return rng.standard_normal((rows, cols)) / math.sqrt(cols)


def chain(rng, omega0, layers):
    """Gaussian weights for consecutive layers [(width, activation, target r)], each rescaled so
    that its pre-activation variance r = mean_i (W Omega W^T)_ii equals the target (average
    linearisation, theory.md section 4): deep layers then stay in their nonlinear range."""
    cov, out = omega0, []
    for width, act, target in layers:
        w = gaussian(rng, width, cov.shape[0])
        r = float(np.mean(np.einsum("ij,jk,ik->i", w, cov, w)))
        w = w * math.sqrt(target / r)
        act = ref.Activation(act)
        k0, k1, m2 = ref.hermite(act, target)
        cov = k1 * k1 * (w @ cov @ w.T) + ref.kappa_star2(target, k0, k1, m2) * np.eye(width)
        out.append(w)
    return out


def experiment(title, **fields):
    spec = {"$schema": SCHEMA, "kind": "experiment", "title": title}
    spec.update(fields)
    return spec


def check_sample_sizes(samples):
    """Range values must not sit near a rounding boundary (x.5), where two implementations
    could round the same sample size differently."""
    if "n" in samples:
        return
    a, b, m = float(samples["from"]), float(samples["to"]), int(samples["points"])
    for k in range(m):
        if samples.get("spacing", "log") == "log":
            v = a * (b / a) ** (k / (m - 1))
        else:
            v = a + (b - a) * k / (m - 1)
        frac = v - math.floor(v)
        if abs(frac - 0.5) < 1e-6:
            raise AssertionError("sample size %r is too close to a rounding boundary" % v)


def write_case(name, spec, arrays, extra_files=None):
    folder = os.path.join(CASES, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    for fname, arr in arrays.items():
        np.save(os.path.join(folder, fname), arr)
    for fname, obj in (extra_files or {}).items():
        with open(os.path.join(folder, fname), "w", encoding="utf-8") as fh:
            fh.write(json.dumps(obj, indent=2) + "\n")
    check_sample_sizes(spec["samples"])
    spec_path = os.path.join(folder, "spec.rainbow.json")
    with open(spec_path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(spec, indent=2) + "\n")
    out = subprocess.run([sys.executable, REFERENCE, spec_path], check=True,
                         capture_output=True, text=True).stdout
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as fh:
        fh.write(out)
    details = ref.predict(spec_path, details=True)["details"]
    with open(os.path.join(folder, "details.json"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps(details, indent=2) + "\n")
    return spec_path, json.loads(out)


# ---------------------------------------------------------------------------------------------
# The cases

def case_relu_linear_teacher():
    name = "relu-linear-teacher"
    rng = rng_for(name)
    d, p = 60, 100
    arrays = {"W1.npy": gaussian(rng, p, d), "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "One relu layer, linear teacher with noise", seed=3,
        input={"dimension": d, "covariance": "identity"},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.2},
        student={"layers": [{"id": "W1", "width": p, "activation": "relu",
                             "weights": {"file": "W1.npy"}}]},
        ridge={"lambda": [0.01, 1.0], "convention": "sum"},
        samples={"n": [30, 100, 250]})
    return name, spec, arrays


def case_erf_sign_layers():
    name = "erf-sign-layers"
    rng = rng_for(name)
    d, k1, k2 = 50, 70, 60
    diag = [round(0.5 + i / (d - 1), 6) for i in range(d)]
    w1, w2 = chain(rng, np.diag(diag), [(k1, "erf", 1.2), (k2, "sign", 1.0)])
    arrays = {"W1.npy": w1, "W2.npy": w2, "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "erf then sign, diagonal input covariance",
        input={"dimension": d, "covariance": {"diagonal": diag}},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.1},
        student={"layers": [
            {"id": "E1", "width": k1, "activation": "erf", "weights": {"file": "W1.npy"}},
            {"id": "S2", "width": k2, "activation": "sign", "weights": {"file": "W2.npy"}}]},
        ridge={"lambda": [0.1]},
        samples={"n": [40, 60, 120]})
    return name, spec, arrays


def case_gelu_sin_gain():
    name = "gelu-sin-gain"
    rng = rng_for(name)
    d, k1, k2 = 40, 80, 60
    a = rng.standard_normal((d, 2 * d)) / math.sqrt(2 * d)
    cov = a @ a.T + 0.2 * np.eye(d)
    cov = 0.5 * (cov + cov.T)
    arrays = {"cov.npy": cov, "W1.npy": gaussian(rng, k1, d), "W2.npy": gaussian(rng, k2, k1),
              "theta.npy": rng.standard_normal(k2) / math.sqrt(k2)}
    spec = experiment(
        "gelu (gain 1.5) and sin (gain 0.7), input covariance from a file",
        input={"dimension": d, "covariance": {"file": "cov.npy"}},
        teacher={"kind": "student", "readout": {"file": "theta.npy"}, "noise": 0.3},
        student={"layers": [
            {"id": "G1", "width": k1, "activation": {"name": "gelu", "gain": 1.5},
             "weights": {"file": "W1.npy"}},
            {"id": "S2", "width": k2, "activation": {"name": "sin", "gain": 0.7},
             "weights": {"file": "W2.npy"}}]},
        ridge={"lambda": [0.05, 0.5]},
        samples={"n": [50, 200]})
    return name, spec, arrays


def case_per_neuron_row_norms():
    name = "per-neuron-row-norms"
    rng = rng_for(name)
    d, k1, k2 = 50, 90, 70
    norms = np.geomspace(0.2, 3.0, k1)
    rng.shuffle(norms)
    w1 = gaussian(rng, k1, d) * norms[:, None]
    norms2 = np.geomspace(0.3, 2.5, k2)
    rng.shuffle(norms2)
    w2 = 1.5 * gaussian(rng, k2, k1) * norms2[:, None]
    arrays = {"W1.npy": np.asfortranarray(w1),  # Fortran order exercises the loader
              "W2.npy": w2, "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "Per-neuron linearisation of rows with norms from 0.2 to 3",
        input={"dimension": d},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.1},
        student={"layers": [
            {"id": "T1", "width": k1, "activation": "tanh",
             "weights": {"file": "W1.npy", "linearization": "perNeuron"}},
            {"id": "R2", "width": k2, "activation": "relu",
             "weights": {"file": "W2.npy", "linearization": "perNeuron"}}]},
        ridge={"lambda": [0.01, 0.3]},
        samples={"n": [45, 90, 180]})
    return name, spec, arrays


def case_data_moments():
    name = "data-moments"
    rng = rng_for(name)
    d, big_n, k1, k2 = 30, 400, 60, 50
    mix = rng.standard_normal((d, d)) / math.sqrt(d) + np.eye(d)
    x = rng.standard_normal((big_n, d)) @ mix.T
    v = rng.standard_normal(d) / math.sqrt(d)
    y = np.tanh(x @ v) + 0.1 * rng.standard_normal(big_n)
    w1, w2 = chain(rng, x.T @ x / big_n, [(k1, "tanh", 2.0), (k2, "softplus", 1.5)])
    arrays = {"X.npy": x, "y.npy": y, "W1.npy": w1, "W2.npy": w2}
    spec = experiment(
        "Data-driven moments from samples and labels",
        input={"dimension": d, "covariance": {"samples": "X.npy"}},
        teacher={"kind": "data", "labels": "y.npy"},
        student={"layers": [
            {"id": "H1", "width": k1, "activation": "tanh", "weights": {"file": "W1.npy"}},
            {"id": "H2", "width": k2, "activation": "softplus", "weights": {"file": "W2.npy"}}]},
        ridge={"lambda": [0.1, 1.0]},
        samples={"n": [20, 60, 150]})
    return name, spec, arrays


def case_keras_inout():
    name = "keras-inout"
    rng = rng_for(name)
    d, k1, k2 = 40, 64, 48
    # Keras kernels: shape (fan_in, width), used as x @ K; stored in float32 as Keras does
    w1, w2 = chain(rng, np.eye(d), [(k1, "relu", 1.7), (k2, "sigmoid", 4.0)])
    k_1, k_2 = w1.T.astype(np.float32), w2.T.astype(np.float32)
    arrays = {"dense_kernel.npy": k_1, "dense_1_kernel.npy": k_2,
              "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "Keras-layout (inOut) float32 kernels",
        input={"dimension": d},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.05},
        student={"layers": [
            {"id": "dense", "width": k1, "activation": "relu",
             "weights": {"file": "dense_kernel.npy", "layout": "inOut"}},
            {"id": "dense_1", "width": k2, "activation": "sigmoid",
             "weights": {"file": "dense_1_kernel.npy", "layout": "inOut"}}]},
        ridge={"lambda": [0.001, 0.1]},
        samples={"n": [30, 96]})
    return name, spec, arrays


def case_shared_teacher_layer():
    """[P] Fig. 1 structure at small size: W1 = 0.5 Z1 C^1/2 + 0.5 V1, W2 tied to W1."""
    name = "shared-teacher-layer"
    rng = rng_for(name)
    d = 60
    k = np.arange(1, d + 1, dtype=float)
    # scaled by 2 from [P] Fig. 1 so that the tied layers stay in tanh's nonlinear range
    v1 = 2.0 * gaussian(rng, d, d) * k[None, :] ** -0.15
    own = 0.5 * 2.0 * gaussian(rng, d, d) * k[None, :] ** -0.1
    w3 = 1.5 * gaussian(rng, d, d)
    arrays = {"V1.npy": v1, "W1_own.npy": own, "W3.npy": w3,
              "theta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "Student layer 1 shares half of the teacher's layer", seed=1,
        input={"dimension": d, "covariance": "identity"},
        teacher={"kind": "network",
                 "network": {"layers": [{"id": "V1", "width": d, "activation": "tanh",
                                         "weights": {"file": "V1.npy"}}]},
                 "readout": {"file": "theta.npy"}, "noise": 0},
        student={"layers": [
            {"id": "W1", "width": d, "activation": "tanh",
             "weights": {"file": "W1_own.npy", "plus": [{"layer": "V1", "scale": 0.5}]}},
            {"id": "W2", "width": d, "activation": "tanh", "weights": {"sameAs": "W1"}},
            {"id": "W3", "width": d, "activation": "tanh", "weights": {"file": "W3.npy"}}]},
        ridge={"lambda": [0.001, 0.1], "convention": "sum"},
        samples={"n": [30, 120, 240]})
    return name, spec, arrays


def case_correlated_mixed():
    """Four paired layers, correlated in every way the spec allows, with different activations
    on the two sides: the teacher mixes in the student's layer (relu / relu), the student mixes
    in the teacher's (erf / tanh), both mix in a common layer (sin / tanh with gain), and the
    teacher ties a layer to the student's (tanh / sin: |correlation| = 1, a degenerate pair)."""
    name = "correlated-mixed"
    rng = rng_for(name)
    d, k = 40, 50
    # scales keep every pre-activation variance near 1 (nonlinear range on both sides)
    arrays = {"S1.npy": 1.7 * gaussian(rng, k, d), "T1_own.npy": gaussian(rng, k, d),
              "S2_own.npy": 1.4 * gaussian(rng, k, k), "T2.npy": 1.5 * gaussian(rng, k, k),
              "S3_own.npy": 1.2 * gaussian(rng, k, k), "T3_own.npy": 1.2 * gaussian(rng, k, k),
              "S4.npy": 1.6 * gaussian(rng, k, k),
              "theta.npy": rng.standard_normal(k) / math.sqrt(k)}
    spec = experiment(
        "Student and teacher layers correlated through plus and sameAs",
        input={"dimension": d, "covariance": {"powerLaw": 0.4}},
        teacher={"kind": "network",
                 "network": {"layers": [
                     {"id": "T1", "width": k, "activation": "relu",
                      "weights": {"file": "T1_own.npy", "plus": [{"layer": "S1", "scale": 0.8}]}},
                     {"id": "T2", "width": k, "activation": "tanh", "weights": {"file": "T2.npy"}},
                     {"id": "T3", "width": k, "activation": {"name": "tanh", "gain": 2.0},
                      "weights": {"file": "T3_own.npy", "plus": [{"layer": "S2", "scale": 0.6}]}},
                     {"id": "T4", "width": k, "activation": "sin", "weights": {"sameAs": "S4"}}]},
                 "readout": {"file": "theta.npy"}, "noise": 0.1},
        student={"layers": [
            {"id": "S1", "width": k, "activation": "relu", "weights": {"file": "S1.npy"}},
            {"id": "S2", "width": k, "activation": "erf",
             "weights": {"file": "S2_own.npy", "plus": [{"layer": "T2", "scale": 0.7}]}},
            {"id": "S3", "width": k, "activation": "sin",
             "weights": {"file": "S3_own.npy", "plus": [{"layer": "S2", "scale": 0.6}]}},
            {"id": "S4", "width": k, "activation": "tanh", "weights": {"file": "S4.npy"}}]},
        ridge={"lambda": [0.01, 0.3]},
        samples={"n": [25, 100]})
    return name, spec, arrays


def case_teacher_deeper():
    name = "teacher-deeper"
    rng = rng_for(name)
    d, p = 40, 80
    widths = [60, 50, 40]
    cov = np.linspace(2.0, 0.25, d)
    arrays = {"cov_diag.npy": cov, "W1.npy": gaussian(rng, p, d)}
    acts = ["relu", "tanh", "erf"]
    mats = chain(rng, np.diag(cov), list(zip(widths, acts, [1.5, 1.0, 1.0])))
    layers = []
    for i, (w, act, m) in enumerate(zip(widths, acts, mats)):
        arrays["V%d.npy" % (i + 1)] = m
        layers.append({"width": w, "activation": act, "weights": {"file": "V%d.npy" % (i + 1)}})
    fan_in = widths[-1]
    arrays["theta.npy"] = rng.standard_normal(fan_in) / math.sqrt(fan_in)
    spec = experiment(
        "Three-layer teacher, one-layer student (independent weights)",
        input={"dimension": d, "covariance": {"file": "cov_diag.npy"}},
        teacher={"kind": "network", "network": {"layers": layers},
                 "readout": {"file": "theta.npy"}, "noise": 0.1},
        student={"layers": [{"width": p, "activation": "tanh", "weights": {"file": "W1.npy"}}]},
        ridge={"lambda": [0.01, 0.1]},
        samples={"n": [40, 160]})
    return name, spec, arrays


def case_teacher_shallower():
    name = "teacher-shallower"
    rng = rng_for(name)
    d = 40
    widths = [60, 70, 80]
    acts = ["tanh", "relu", "silu"]
    mats = chain(rng, np.eye(d), list(zip(widths, acts, [1.0, 1.0, 1.5])))
    arrays, layers = {}, []
    for i, (w, act, m) in enumerate(zip(widths, acts, mats)):
        arrays["W%d.npy" % (i + 1)] = m
        layers.append({"id": "W%d" % (i + 1), "width": w, "activation": act,
                       "weights": {"file": "W%d.npy" % (i + 1)}})
    arrays["V1.npy"] = gaussian(rng, 50, d)
    arrays["theta.npy"] = rng.standard_normal(50) / math.sqrt(50)
    spec = experiment(
        "One-layer sign teacher, three-layer student",
        input={"dimension": d},
        teacher={"kind": "network",
                 "network": {"layers": [{"width": 50, "activation": "sign",
                                         "weights": {"file": "V1.npy"}}]},
                 "readout": {"file": "theta.npy"}},
        student={"layers": layers},
        ridge={"lambda": [0.001, 0.1]},
        samples={"n": [50, 200]})
    return name, spec, arrays


def case_widening():
    name = "widening"
    rng = rng_for(name)
    d, k1, k2 = 40, 80, 120
    w1, w2 = chain(rng, np.eye(d), [(k1, "silu", 1.0), (k2, "tanh", 1.0)])
    arrays = {"W1.npy": w1, "W2.npy": w2, "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "Widening network 40 -> 80 -> 120",
        input={"dimension": d},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.2},
        student={"layers": [
            {"width": k1, "activation": "silu", "weights": {"file": "W1.npy"}},
            {"width": k2, "activation": "tanh", "weights": {"file": "W2.npy"}}]},
        ridge={"lambda": [0.01, 1.0]},
        samples={"n": [60, 120, 240]})
    return name, spec, arrays


def case_student_teacher_noise():
    name = "student-teacher-noise"
    rng = rng_for(name)
    d, k1, k2 = 50, 100, 80
    w1, w2 = chain(rng, np.eye(d), [(k1, "sigmoid", 4.0), (k2, "softplus", 1.5)])
    arrays = {"W1.npy": w1, "W2.npy": w2, "theta.npy": rng.standard_normal(k2) / math.sqrt(k2)}
    spec = experiment(
        "Well-specified student teacher with label noise",
        input={"dimension": d},
        teacher={"kind": "student", "readout": {"file": "theta.npy"}, "noise": 0.5},
        student={"layers": [
            {"width": k1, "activation": "sigmoid", "weights": {"file": "W1.npy"}},
            {"width": k2, "activation": "softplus", "weights": {"file": "W2.npy"}}]},
        ridge={"lambda": [0.1, 10.0]},
        samples={"n": [40, 80, 160]})
    return name, spec, arrays


def case_powerlaw_mean():
    name = "powerlaw-mean"
    rng = rng_for(name)
    d, p = 80, 100
    arrays = {"W1.npy": gaussian(rng, p, d) * 3.0,
              "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "Power-law input covariance, mean convention",
        input={"dimension": d, "covariance": {"powerLaw": 1.0}},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.1},
        student={"layers": [{"width": p, "activation": "tanh", "weights": {"file": "W1.npy"}}]},
        ridge={"lambda": [0.001, 0.1], "convention": "mean"},
        samples={"n": [50, 100, 400]})
    return name, spec, arrays


def case_paper_convention():
    """Also: the student is a relative path to a `"kind": "network"` file."""
    name = "paper-convention"
    rng = rng_for(name)
    d, k = 60, 90
    w1, w2 = chain(rng, np.eye(d), [(k, "relu", 1.0), (k, "tanh", 1.0)])
    arrays = {"W1.npy": w1, "W2.npy": w2, "theta.npy": rng.standard_normal(k) / math.sqrt(k)}
    network = {"kind": "network", "title": "relu then tanh", "layers": [
        {"width": k, "activation": "relu", "weights": {"file": "W1.npy"}},
        {"width": k, "activation": "tanh", "weights": {"file": "W2.npy"}}]}
    spec = experiment(
        "Paper convention, student from a network file",
        input={"dimension": d},
        teacher={"kind": "student", "readout": {"file": "theta.npy"}, "noise": 0.2},
        student="student.rainbow.json",
        ridge={"lambda": [0.01, 0.5], "convention": "paper"},
        samples={"n": [45, 180]})
    return name, spec, arrays, {"student.rainbow.json": network}


def case_optimal_lambda():
    name = "optimal-lambda"
    rng = rng_for(name)
    d, p = 60, 100
    arrays = {"W1.npy": 2.0 * gaussian(rng, p, d),
              "beta.npy": rng.standard_normal(d) / math.sqrt(d)}
    spec = experiment(
        "Optimal ridge at each n (mean convention)",
        input={"dimension": d, "covariance": {"powerLaw": 0.5}},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.5},
        student={"layers": [{"width": p, "activation": "tanh", "weights": {"file": "W1.npy"}}]},
        ridge={"lambda": "optimal", "convention": "mean"},
        samples={"n": [30, 80, 150, 300]})
    return name, spec, arrays


def case_range_log():
    name = "range-log"
    rng = rng_for(name)
    d, p = 40, 60
    arrays = {"W1.npy": gaussian(rng, p, d), "theta.npy": rng.standard_normal(p) / math.sqrt(p)}
    spec = experiment(
        "Log-spaced sample range with repeated sizes, three lambdas",
        input={"dimension": d},
        teacher={"kind": "student", "readout": {"file": "theta.npy"}, "noise": 0.1},
        student={"layers": [{"width": p, "activation": "erf", "weights": {"file": "W1.npy"}}]},
        ridge={"lambda": [1e-4, 1e-2, 1.0]},
        samples={"from": 2, "to": 400, "points": 20})
    return name, spec, arrays


def case_range_linear():
    name = "range-linear"
    rng = rng_for(name)
    d, p, k_t = 40, 70, 50
    arrays = {"W1.npy": gaussian(rng, p, d), "V1.npy": gaussian(rng, k_t, d),
              "theta.npy": rng.standard_normal(k_t) / math.sqrt(k_t)}
    spec = experiment(
        "Linear sample range, independent tanh teacher of another width",
        input={"dimension": d},
        teacher={"kind": "network",
                 "network": {"layers": [{"width": k_t, "activation": "tanh",
                                         "weights": {"file": "V1.npy"}}]},
                 "readout": {"file": "theta.npy"}, "noise": 0.05},
        student={"layers": [{"width": p, "activation": "relu", "weights": {"file": "W1.npy"}}]},
        ridge={"lambda": [0.003, 0.03, 0.3], "convention": "sum"},
        samples={"from": 17, "to": 300, "points": 10, "spacing": "linear"})
    return name, spec, arrays


CASE_BUILDERS = [
    case_relu_linear_teacher, case_erf_sign_layers, case_gelu_sin_gain,
    case_per_neuron_row_norms, case_data_moments, case_keras_inout, case_shared_teacher_layer,
    case_correlated_mixed, case_teacher_deeper, case_teacher_shallower, case_widening,
    case_student_teacher_noise, case_powerlaw_mean, case_paper_convention, case_optimal_lambda,
    case_range_log, case_range_linear,
]


# ---------------------------------------------------------------------------------------------
# Consistency identities (independent routes to the same moments)

def _predict_tmp(spec, arrays):
    with tempfile.TemporaryDirectory() as tmp:
        for fname, arr in arrays.items():
            np.save(os.path.join(tmp, fname), arr)
        path = os.path.join(tmp, "spec.rainbow.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(spec, fh)
        return ref.predict(path)


def _max_point_diff(a, b):
    worst = 0.0
    for pa, pb in zip(a["points"], b["points"]):
        for key in ("testError", "trainError", "effectiveRegularization"):
            worst = max(worst, ref._rel(pa[key], pb[key]))
    return worst


def consistency_checks():
    rng = np.random.default_rng(2024)
    d, k = 30, 40
    w1, w2 = gaussian(rng, k, d), gaussian(rng, k, k)
    theta = rng.standard_normal(k) / math.sqrt(k)
    base = {"kind": "experiment", "title": "c", "input": {"dimension": d,
                                                          "covariance": {"powerLaw": 0.3}},
            "student": {"layers": [
                {"id": "A", "width": k, "activation": "relu", "weights": {"file": "w1.npy"}},
                {"id": "B", "width": k, "activation": "tanh", "weights": {"file": "w2.npy"}}]},
            "ridge": {"lambda": [0.01, 1.0]}, "samples": {"n": [20, 80]}}
    arrays = {"w1.npy": w1, "w2.npy": w2, "theta.npy": theta}
    # 1. A teacher network tied layer by layer to the student (sameAs, same activations) is the
    #    student teacher: kappaCheck2 = kappaStar2 and Phi_l = Omega_l.
    tied = dict(base, teacher={"kind": "network", "readout": {"file": "theta.npy"}, "noise": 0.3,
                               "network": {"layers": [
                                   {"width": k, "activation": "relu", "weights": {"sameAs": "A"}},
                                   {"width": k, "activation": "tanh", "weights": {"sameAs": "B"}}]}})
    own = dict(base, teacher={"kind": "student", "readout": {"file": "theta.npy"}, "noise": 0.3})
    err1 = _max_point_diff(_predict_tmp(tied, arrays), _predict_tmp(own, arrays))
    # 2. A data teacher whose samples reproduce Omega_0 and whose labels are X beta is the
    #    linear teacher without noise.
    big_n = 2 * d
    omega0 = np.diag(np.arange(1, d + 1, dtype=float) ** -0.3)
    q, _ = np.linalg.qr(rng.standard_normal((big_n, d)))
    x = math.sqrt(big_n) * q @ np.sqrt(omega0)  # X^T X / N = Omega_0 exactly
    beta = rng.standard_normal(d) / math.sqrt(d)
    arrays2 = dict(arrays, **{"X.npy": x, "y.npy": x @ beta, "beta.npy": beta})
    data = dict(base, input={"dimension": d, "covariance": {"samples": "X.npy"}},
                teacher={"kind": "data", "labels": "y.npy"})
    lin = dict(base, teacher={"kind": "linear", "weights": {"file": "beta.npy"}})
    err2 = _max_point_diff(_predict_tmp(data, arrays2), _predict_tmp(lin, arrays2))
    # 3. Linear activations: Omega_L = W_L ... Omega_0 ... W_L^T exactly (theory.md section 6).
    lin_net = dict(base, student={"layers": [
        {"width": k, "activation": "linear", "weights": {"file": "w1.npy"}},
        {"width": k, "activation": "linear", "weights": {"file": "w2.npy"}}]},
        teacher={"kind": "linear", "weights": {"file": "beta.npy"}, "noise": 0.1})
    with tempfile.TemporaryDirectory() as tmp:
        for fname, arr in arrays2.items():
            np.save(os.path.join(tmp, fname), arr)
        mom = ref.compute_moments(lin_net, tmp)
    m = w2 @ w1
    err3 = float(np.max(np.abs(mom["omega"] - m @ omega0 @ m.T)) / np.max(np.abs(mom["omega"])))
    rows = [("tied teacher network == student teacher", err1),
            ("data teacher (X beta) == linear teacher", err2),
            ("linear activations: Omega == W Omega0 W^T", err3)]
    for label, err in rows:
        print("  %-44s max rel diff %.1e" % (label, err))
        if err > 1e-10:
            raise AssertionError(label)
    return rows


def monte_carlo_checks():
    """Ridge on simulated features vs the prediction (40 repeats, 4000 test samples). Also the
    prediction from the empirical moments of the simulated features: the deterministic
    equivalent alone, without the linearisation error of the moments, which at these small
    widths (40-100) is a few percent for average linearisation of several layers."""
    import montecarlo
    rows = []
    for name, picks in (("relu-linear-teacher", [(30, 0.01), (250, 1.0)]),
                        ("per-neuron-row-norms", [(45, 0.01), (180, 0.3)]),
                        ("shared-teacher-layer", [(30, 0.1), (240, 0.1)])):
        path = os.path.join(CASES, name, "spec.rainbow.json")
        expected = json.load(open(os.path.join(CASES, name, "expected.json")))
        mom = ref.compute_moments(ref._load_json(path), os.path.dirname(path))
        e_omega, e_psi, e_sigma2 = montecarlo.empirical_moments(path)
        ev, vec = np.linalg.eigh(e_omega)
        print("  %s: moments vs 200000 simulated samples: |Omega - emp|/|emp| = %.3f, "
              "|psi - emp|/|emp| = %.3f, sigma2 %.5f vs %.5f"
              % (name, np.linalg.norm(mom["omega"] - e_omega) / np.linalg.norm(e_omega),
                 np.linalg.norm(mom["psi"] - e_psi) / np.linalg.norm(e_psi),
                 mom["sigma2"], e_sigma2))
        for n, lam in picks:
            theory = next(pt for pt in expected["points"] if pt["n"] == n and pt["lambda"] == lam)
            emp_test, emp_train, _ = ref.risk(ev, vec.T @ e_psi, e_sigma2, lam, n)
            sim = montecarlo.simulate(path, n, lam, repeats=40, test_samples=4000)
            z = (sim["testError"] - theory["testError"]) / sim["testErrorSE"]
            ze = (sim["testError"] - emp_test) / sim["testErrorSE"]
            zt = (sim["trainError"] - theory["trainError"]) / sim["trainErrorSE"]
            rows.append((name, n, lam, theory, sim, z, zt))
            print("    n=%-4d lambda=%-5g test: sim %.5g +- %.2g, theory %.5g (z=%+.2f), "
                  "from empirical moments %.5g (z=%+.2f) | train: sim %.5g +- %.2g, "
                  "theory %.5g (z=%+.2f)"
                  % (n, lam, sim["testError"], sim["testErrorSE"], theory["testError"], z,
                     emp_test, ze, sim["trainError"], sim["trainErrorSE"], theory["trainError"],
                     zt))
    return rows


def main(argv):
    os.makedirs(CASES, exist_ok=True)
    print("golden cases -> %s" % os.path.relpath(CASES, ROOT))
    total = 0
    for build in CASE_BUILDERS:
        built = build()
        name, spec, arrays = built[:3]
        extra = built[3] if len(built) > 3 else None
        _, out = write_case(name, spec, arrays, extra)
        size = sum(os.path.getsize(os.path.join(CASES, name, f))
                   for f in os.listdir(os.path.join(CASES, name)))
        total += size
        print("  %-24s p=%-4d points=%-3d %7.1f kB" % (name, out["features"], len(out["points"]),
                                                       size / 1024.0))
    print("  total %.1f kB" % (total / 1024.0))
    print("self-check: closed forms (theory.md section 6)")
    ref.self_check(verbose=True)
    print("self-check: consistency identities")
    consistency_checks()
    if "--no-mc" not in argv:
        print("self-check: Monte-Carlo (40 repeats, 4000 test samples, sum-convention lambda)")
        monte_carlo_checks()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
