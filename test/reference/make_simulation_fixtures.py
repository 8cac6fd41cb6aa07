#!/usr/bin/env python3
"""Monte-Carlo reference values for the engine's simulation (`rainbow simulate`).

Runs the independent NumPy Monte-Carlo of montecarlo.py (ridge on the actual network features,
activations centred at their population kappa0, sum-convention lambda, test error with label
noise on fresh samples) on golden cases whose randomness all lives in .npy files, and writes the
mean and standard error of the test and training errors per (n, lambda) to
test/golden/simulation/<case>.json. test/unit/simulation.test.ts simulates the same specs with
the engine (its own random draws) and checks agreement within the combined error bars.

    python3 test/reference/make_simulation_fixtures.py     # a few minutes (the reference rebuilds
                                                            # the moments for every point)

Deterministic: montecarlo.simulate seeds NumPy's default_rng with a fixed seed.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import montecarlo  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "test", "golden", "cases")
OUT = os.path.join(ROOT, "test", "golden", "simulation")

REPEATS = 100
TEST_SAMPLES = 4000
SEED = 12345

# (case, sample sizes, sum-convention lambdas): sizes away from the interpolation peak n = p.
PICKS = [
    ("relu-linear-teacher", [30, 250], [0.01, 1.0]),      # relu (centred), linear teacher, noise; p = 100
    ("shared-teacher-layer", [30, 240], [0.001, 0.1]),    # teacher network sharing W1 via plus, sameAs; p = 60
    ("student-teacher-noise", [40, 160], [0.1, 10.0]),    # sigmoid + softplus (centred), student teacher; p = 80
    ("gelu-sin-gain", [50, 200], [0.05, 0.5]),            # dense input covariance file, gains; p = 60
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, sizes, lambdas in PICKS:
        spec_path = os.path.join(CASES, name, "spec.rainbow.json")
        spec = montecarlo.ref._load_json(spec_path)
        convention = spec.get("ridge", {}).get("convention", "sum")
        if convention != "sum":
            raise SystemExit("%s: expected the sum convention, got %r" % (name, convention))
        points = []
        for n in sizes:
            for lam in lambdas:
                sim = montecarlo.simulate(spec_path, n, lam, repeats=REPEATS, test_samples=TEST_SAMPLES, seed=SEED)
                points.append({
                    "n": n,
                    "lambda": lam,
                    "testError": sim["testError"],
                    "testErrorSE": sim["testErrorSE"],
                    "trainError": sim["trainError"],
                    "trainErrorSE": sim["trainErrorSE"],
                })
                print("  %-22s n=%-4d lambda=%-6g test %.5g +- %.2g  train %.5g +- %.2g"
                      % (name, n, lam, sim["testError"], sim["testErrorSE"], sim["trainError"], sim["trainErrorSE"]))
        out = {
            "case": name,
            "spec": "../cases/%s/spec.rainbow.json" % name,
            "generatedBy": "test/reference/make_simulation_fixtures.py (montecarlo.simulate)",
            "repeats": REPEATS,
            "testSamples": TEST_SAMPLES,
            "seed": SEED,
            "convention": "sum",
            "points": points,
        }
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
