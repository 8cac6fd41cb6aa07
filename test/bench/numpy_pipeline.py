#!/usr/bin/env python3
"""The paper's reference pipeline in NumPy, timed: what `npm run bench` compares Rainbow Lab with.

    python3 test/bench/numpy_pipeline.py predict FIXED.rainbow.json [OPTIMAL.rainbow.json]
    python3 test/bench/numpy_pipeline.py simulate SPEC.rainbow.json [--repeats R]

Prints one JSON object: stage times in seconds, total compute time, peak resident memory, the
BLAS thread count, iteration statistics and the computed curves (so that the benchmark can check
that both sides computed the same thing). NumPy only, no SciPy.

It reads the sizes of the benchmark's generated specs (input dimension, widths, activations,
seed, lambdas and their convention, sample sizes, simulation plan) and supports exactly that
subset: identity input covariance, Gaussian i.i.d. weights, a linear teacher. Randomness comes
from NumPy's own generator, so the numbers agree with Rainbow Lab's only up to finite-size
fluctuations, not digit for digit.

`predict` is the pipeline of the authors' notebooks (theory.md sections 3 and 4), written the
way a NumPy user writes it:
  1. build Omega: draw W_l ~ N(0, 1/fan_in), Hermite coefficients of the activation by
     Gauss-Hermite quadrature at the realised pre-activation variance r_l = tr(W Omega W^T)/k_l,
     Omega_l = kappa1^2 W Omega_{l-1} W^T + kappaStar2 I with plain matrix products
     (W @ W.T for the first layer on identity inputs), psi_l = kappa1 W psi_{l-1};
  2. spectrum: numpy.linalg.eigh WITH eigenvectors, psiTilde = U^T psi;
  3. sweep: for each lambda and n (ascending), the plain fixed-point iteration
     kappa <- lambda/n + (kappa/n) sum omega/(omega + kappa), relative tolerance 1e-8,
     warm-started from the nearest solved point (previous n; for the first n, the first n of the
     previous lambda), then the test error of theory.md section 3;
  4. optimal lambda (second spec): per n, a bounded scalar minimisation of the test error over
     log(lambda) in [1e-8, 1e8] * n * tr(Omega)/p (sum convention), the algorithm of
     scipy.optimize.minimize_scalar(method='bounded') (Brent's fminbound, xatol 1e-5),
     each evaluation warm-started from the previous one.

`simulate` is the Monte-Carlo check of theory.md section 1 on the same kind of network: the
weights and the layer recursion (for the centring constants kappa0), then for every repetition a
test sample shared by every n, and for every n a fresh training sample; features through the
network, ridge for all lambdas from one eigendecomposition of the smaller Gram matrix
(F^T F when n >= p, F F^T otherwise), test and training errors.

The BLAS thread count is whatever NumPy/OpenBLAS picked on this machine; the script does not set
it (it only reports it).
"""

import argparse
import ctypes
import json
import math
import os
import resource
import sys
import time

import numpy as np

FIXED_POINT_TOLERANCE = 1e-8  # relative change between iterates
FIXED_POINT_CAP = 100_000  # iterations per (n, lambda); reaching it is counted, not an error
BOUNDED_XATOL = 1e-5  # scipy's default for method='bounded'
BOUNDED_MAXITER = 500
LAMBDA_DECADES = 8  # bracket [1e-8, 1e8] * n * tr(Omega)/p
HERMITE_NODES = 101


class SpecError(Exception):
    """A generated spec outside the subset this script reproduces."""


# --------------------------------------------------------------------------------------------
# Spec reading (spec-format.md), the subset the benchmark generates.

# Smooth activations only: Gauss-Hermite quadrature is accurate for them, not across kinks.
ACTIVATIONS = {
    "tanh": np.tanh,
    "linear": lambda h: h,
    "sin": np.sin,
    "sigmoid": lambda h: 0.5 * (1.0 + np.tanh(0.5 * h)),
}


def load_spec(path):
    with open(path, encoding="utf8") as f:
        spec = json.load(f)
    d = int(spec["input"]["dimension"])
    if spec["input"].get("covariance", "identity") != "identity":
        raise SpecError("only the identity input covariance is supported")
    student = spec["student"]
    if not isinstance(student, dict):
        raise SpecError("the student must be inline")
    layers = []
    for layer in student["layers"]:
        act = layer.get("activation")
        if act not in ACTIVATIONS or "weights" in layer:
            raise SpecError("layer %r: only plain Gaussian layers with %s" % (layer.get("id"), sorted(ACTIVATIONS)))
        layers.append((int(layer["width"]), ACTIVATIONS[act]))
    teacher = spec["teacher"]
    if teacher.get("kind") != "linear" or "weights" in teacher:
        raise SpecError("only a linear teacher with a random beta is supported")
    ridge = spec["ridge"]
    return {
        "seed": int(spec.get("seed", 0)),
        "d": d,
        "layers": layers,
        "noise": float(teacher.get("noise", 0.0)),
        "lambdas": ridge["lambda"],
        "convention": ridge.get("convention", "sum"),
        "samples": sample_sizes(spec["samples"]),
        "simulate": spec.get("simulate"),
    }


def sample_sizes(samples):
    """n values as the engine reads them: list or range, floor(v + 0.5), first occurrence kept."""
    if "n" in samples:
        values = [float(v) for v in samples["n"]]
    else:
        a, b, m = float(samples["from"]), float(samples["to"]), int(samples["points"])
        spacing = samples.get("spacing", "log")
        if m == 1:
            values = [a]
        elif spacing == "log":
            values = [a * (b / a) ** (k / (m - 1)) for k in range(m)]
        else:
            values = [a + (b - a) * k / (m - 1) for k in range(m)]
        if m > 1:
            values[-1] = b
    out = []
    for v in values:
        n = int(math.floor(v + 0.5))
        if n not in out:
            out.append(n)
    return out


def to_sum_convention(lam, convention, n, p):
    """theory.md section 1: mean -> n * lambda, paper -> p * lambda."""
    return {"sum": lam, "mean": n * lam, "paper": p * lam}[convention]


# --------------------------------------------------------------------------------------------
# Stage 1: the layer recursion (theory.md section 4).

_Z, _ZW = np.polynomial.hermite_e.hermegauss(HERMITE_NODES)
_ZW = _ZW / math.sqrt(2.0 * math.pi)


def hermite_coefficients(act, r):
    """kappa0, kappa1, kappaStar2 of sigma at N ~ N(0, r) by Gauss-Hermite quadrature."""
    s = math.sqrt(r)
    values = act(s * _Z)
    k0 = float(_ZW @ values)
    k1 = float(_ZW @ (_Z * values)) / s  # E[N sigma(N)] / r
    second = float(_ZW @ (values * values))
    return k0, k1, second - k0 * k0 - r * k1 * k1


def draw_network(cfg, rng):
    """Weights W_l ~ N(0, 1/fan_in) and the teacher's beta ~ N(0, I/d)."""
    d = cfg["d"]
    beta = rng.standard_normal(d) / math.sqrt(d)
    weights, fan_in = [], d
    for width, _ in cfg["layers"]:
        weights.append(rng.standard_normal((width, fan_in)) / math.sqrt(fan_in))
        fan_in = width
    return weights, beta


def layer_recursion(cfg, weights, beta):
    """Omega, psi, sigma2 and each layer's centring constant kappa0."""
    omega = None  # None stands for the identity input covariance
    psi = beta.copy()  # psi_0 = Omega_0 beta
    centring = []
    for w, (width, act) in zip(weights, cfg["layers"]):
        h = w @ w.T if omega is None else w @ omega @ w.T
        r = float(np.trace(h)) / width
        k0, k1, kstar2 = hermite_coefficients(act, r)
        h *= k1 * k1
        h[np.diag_indices(width)] += kstar2
        omega = h
        psi = k1 * (w @ psi)
        centring.append(k0)
    sigma2 = float(beta @ beta) + cfg["noise"] ** 2
    return omega, psi, sigma2, centring


# --------------------------------------------------------------------------------------------
# Stages 3 and 4: the deterministic equivalent (theory.md section 3).


class FixedPoint:
    """The plain fixed-point iteration with its statistics."""

    def __init__(self, omega):
        self.omega = omega
        self.trace = float(omega.sum())
        self.iterations = 0
        self.max_iterations = 0
        self.not_converged = 0
        self.solves = 0

    def solve(self, n, lam, start):
        omega = self.omega
        kappa = start if start is not None else (lam + self.trace) / n
        converged = False
        for it in range(1, FIXED_POINT_CAP + 1):
            new = lam / n + (kappa / n) * float(np.sum(omega / (omega + kappa)))
            done = abs(new - kappa) <= FIXED_POINT_TOLERANCE * new
            kappa = new
            if done:
                converged = True
                break
        self.solves += 1
        self.iterations += it
        self.max_iterations = max(self.max_iterations, it)
        if not converged:
            self.not_converged += 1
        return kappa

    def stats(self):
        return {"solves": self.solves, "iterations": self.iterations, "maxIterations": self.max_iterations,
                "notConverged": self.not_converged, "cap": FIXED_POINT_CAP}


def test_error(omega, psit2, sigma2, n, kappa):
    """testError = [sigma2 - sum psiTilde^2 (omega + 2 kappa)/(omega + kappa)^2] / (1 - df2)."""
    inv = 1.0 / (omega + kappa)
    inv2 = inv * inv
    df2 = float(np.sum(omega * omega * inv2)) / n
    return (sigma2 - float(np.sum(psit2 * (omega + 2.0 * kappa) * inv2))) / (1.0 - df2)


def sweep(omega, psit2, sigma2, ns, lambdas, convention, solver):
    """Test errors, n outer and lambda inner (the order of the engine's `points`)."""
    p = omega.size
    errors = np.empty((len(ns), len(lambdas)))
    first_kappa = None
    for j, lam_spec in enumerate(lambdas):
        kappa = first_kappa
        for i, n in enumerate(ns):
            kappa = solver.solve(n, to_sum_convention(lam_spec, convention, n, p), kappa)
            if i == 0:
                first_kappa = kappa
            errors[i, j] = test_error(omega, psit2, sigma2, n, kappa)
    return errors.reshape(-1).tolist()


def fminbound(func, x1, x2, xatol=BOUNDED_XATOL, maxiter=BOUNDED_MAXITER):
    """Brent's bounded minimisation, as scipy.optimize.minimize_scalar(method='bounded')."""
    sqrt_eps = math.sqrt(2.2e-16)
    golden_mean = 0.5 * (3.0 - math.sqrt(5.0))
    a, b = x1, x2
    fulc = a + golden_mean * (b - a)
    nfc, xf = fulc, fulc
    rat = e = 0.0
    x = xf
    fx = func(x)
    num = 1
    ffulc = fnfc = fx
    xm = 0.5 * (a + b)
    tol1 = sqrt_eps * abs(xf) + xatol / 3.0
    tol2 = 2.0 * tol1
    while abs(xf - xm) > (tol2 - 0.5 * (b - a)):
        golden = True
        if abs(e) > tol1:  # try a parabolic step
            golden = False
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r = e
            e = rat
            if abs(p) < abs(0.5 * q * r) and q * (a - xf) < p < q * (b - xf):
                rat = p / q
                x = xf + rat
                if (x - a) < tol2 or (b - x) < tol2:
                    rat = tol1 * (1.0 if xm >= xf else -1.0)
            else:
                golden = True
        if golden:
            e = (a - xf) if xf >= xm else (b - xf)
            rat = golden_mean * e
        x = xf + (1.0 if rat >= 0 else -1.0) * max(abs(rat), tol1)
        fu = func(x)
        num += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc = nfc, fnfc
            nfc, fnfc = xf, fx
            xf, fx = x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if fu <= fnfc or nfc == xf:
                fulc, ffulc = nfc, fnfc
                nfc, fnfc = x, fu
            elif fu <= ffulc or fulc == xf or fulc == nfc:
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = sqrt_eps * abs(xf) + xatol / 3.0
        tol2 = 2.0 * tol1
        if num >= maxiter:
            break
    return xf, fx, num


def optimal_curve(omega, psit2, sigma2, ns, solver):
    """Per n: the minimal test error over log(lambda) and the minimiser (sum convention)."""
    p = omega.size
    scale = solver.trace / p
    state = {"kappa": None}
    errors, lambdas, evaluations = [], [], 0

    for n in ns:
        def objective(t, n=n):
            state["kappa"] = solver.solve(n, math.exp(t), state["kappa"])
            return test_error(omega, psit2, sigma2, n, state["kappa"])

        centre = math.log(n * scale)
        t, value, calls = fminbound(objective, centre - LAMBDA_DECADES * math.log(10), centre + LAMBDA_DECADES * math.log(10))
        errors.append(value)
        lambdas.append(math.exp(t))
        evaluations += calls
    return errors, lambdas, evaluations


# --------------------------------------------------------------------------------------------
# Monte-Carlo simulation (theory.md section 1).


def features(x, weights, acts, centring):
    h = x
    for w, act, k0 in zip(weights, acts, centring):
        h = act(h @ w.T)
        if k0 != 0.0:
            h -= k0
    return h


def simulate(cfg, weights, beta, centring, repeats, rng, timer):
    plan = cfg["simulate"]
    ns = sample_sizes({"n": plan["n"]} if isinstance(plan["n"], list) else plan["n"])
    test_samples = int(plan.get("testSamples", 2000))
    acts = [act for _, act in cfg["layers"]]
    d, p, noise = cfg["d"], cfg["layers"][-1][0], cfg["noise"]
    lambdas = cfg["lambdas"]
    test_sum = np.zeros((len(ns), len(lambdas)))
    train_sum = np.zeros_like(test_sum)

    def draw(m):
        x = rng.standard_normal((m, d))
        y = x @ beta
        if noise > 0:
            y += noise * rng.standard_normal(m)
        return features(x, weights, acts, centring), y

    for _ in range(repeats):
        with timer("features"):
            ft, yt = draw(test_samples)
        for i, n in enumerate(ns):
            with timer("features"):
                f, y = draw(n)
            with timer("fits"):
                if n >= p:  # w = (F^T F + lambda I)^-1 F^T y through F^T F = U diag(s) U^T
                    s, u = np.linalg.eigh(f.T @ f)
                    b = u.T @ (f.T @ y)
                    ws = [u @ (b / (s + to_sum_convention(lam, cfg["convention"], n, p))) for lam in lambdas]
                else:  # w = F^T (F F^T + lambda I)^-1 y through F F^T = V diag(s) V^T
                    s, v = np.linalg.eigh(f @ f.T)
                    c = v.T @ y
                    ws = [f.T @ (v @ (c / (s + to_sum_convention(lam, cfg["convention"], n, p)))) for lam in lambdas]
                w = np.stack(ws, axis=1)
                train = np.mean((y[:, None] - f @ w) ** 2, axis=0)
            with timer("evaluation"):
                test = np.mean((yt[:, None] - ft @ w) ** 2, axis=0)
            test_sum[i] += test
            train_sum[i] += train
    # The training errors are computed as a notebook would; only the test errors are compared.
    mean = test_sum / repeats
    return {"n": ns, "testError": mean.reshape(-1).tolist(), "meanTrainError": float(train_sum.mean() / repeats)}


# --------------------------------------------------------------------------------------------


class Timer:
    def __init__(self):
        self.stages = {}

    def __call__(self, name):
        timer = self

        class Scope:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                timer.stages[name] = timer.stages.get(name, 0.0) + time.perf_counter() - self.t0

        return Scope()


def blas_threads():
    """OpenBLAS's thread count, read from the library NumPy loaded (threadpoolctl may be absent)."""
    info = {"OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"), "cpus": os.cpu_count(), "openblas": None}
    try:
        with open("/proc/self/maps", encoding="utf8") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
        for path in paths:
            lib = ctypes.CDLL(path)
            for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                         "scipy_openblas_get_num_threads", "openblas_get_num_threads"):
                fn = getattr(lib, name, None)
                if fn is not None:
                    fn.restype = ctypes.c_int
                    info["openblas"] = int(fn())
                    for core in ("scipy_openblas_get_corename64_", "openblas_get_corename64_",
                                 "scipy_openblas_get_corename", "openblas_get_corename"):
                        get_core = getattr(lib, core, None)
                        if get_core is not None:
                            get_core.restype = ctypes.c_char_p
                            info["kernel"] = get_core().decode()
                            break
                    return info
    except OSError:
        pass
    return info


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


OPTIMAL_SIZES = 50


def run_predict(fixed_path, optimal_path):
    """The sweep over the spec's fixed penalties, and the optimal lambda at 50 log-spaced sizes over
    the same range when the spec's list contains "optimal" (or from a second spec)."""
    cfg = load_spec(fixed_path)
    lambdas = cfg["lambdas"]
    wants_optimal = isinstance(lambdas, list) and "optimal" in lambdas
    cfg["lambdas"] = [v for v in lambdas if v != "optimal"] if isinstance(lambdas, list) else lambdas
    timer = Timer()
    t0 = time.perf_counter()
    rng = np.random.default_rng(cfg["seed"])
    with timer("buildOmega"):
        with timer("weights"):
            weights, beta = draw_network(cfg, rng)
        omega, psi, sigma2, _ = layer_recursion(cfg, weights, beta)
    with timer("spectrum"):
        evals, u = np.linalg.eigh(omega)
        psit2 = (u.T @ psi) ** 2
        evals = np.maximum(evals, 0.0)
    solver = FixedPoint(evals)
    with timer("sweep"):
        curve = sweep(evals, psit2, sigma2, cfg["samples"], cfg["lambdas"], cfg["convention"], solver)
    out = {"mode": "predict", "n": cfg["samples"], "lambdas": cfg["lambdas"], "testError": curve,
           "sweepIterations": solver.stats()}
    optimal_sizes = None
    if optimal_path:
        optimal = load_spec(optimal_path)
        if optimal["lambdas"] != "optimal":
            raise SpecError("the second spec must have \"lambda\": \"optimal\"")
        optimal_sizes = optimal["samples"]
    elif wants_optimal:
        # 50 of the spec's sizes, evenly spread, so that both sides' optimal curves meet at those n.
        ns = cfg["samples"]
        optimal_sizes = ns[::max(1, len(ns) // OPTIMAL_SIZES)][:OPTIMAL_SIZES]
    if optimal_sizes is not None:
        opt_solver = FixedPoint(evals)
        with timer("optimalLambda"):
            errors, lambdas, evaluations = optimal_curve(evals, psit2, sigma2, optimal_sizes, opt_solver)
        out["optimal"] = {"n": optimal_sizes, "testError": errors, "lambdaSum": lambdas,
                          "evaluations": evaluations, "iterations": opt_solver.stats()}
    out["stages"] = timer.stages
    out["total"] = time.perf_counter() - t0
    return out


def run_simulate(path, repeats):
    cfg = load_spec(path)
    if not cfg["simulate"]:
        raise SpecError("the spec has no \"simulate\" section")
    repeats = repeats if repeats is not None else int(cfg["simulate"].get("repeats", 10))
    timer = Timer()
    t0 = time.perf_counter()
    rng = np.random.default_rng(cfg["seed"])
    with timer("buildOmega"):  # the recursion gives the centring constants kappa0
        with timer("weights"):
            weights, beta = draw_network(cfg, rng)
        _, _, _, centring = layer_recursion(cfg, weights, beta)
    sim_start = time.perf_counter()
    curve = simulate(cfg, weights, beta, centring, repeats, rng, timer)
    timer.stages["simulation"] = time.perf_counter() - sim_start
    return {"mode": "simulate", "repeats": repeats, "lambdas": cfg["lambdas"], **curve,
            "stages": timer.stages, "total": time.perf_counter() - t0}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["predict", "simulate"])
    parser.add_argument("spec")
    parser.add_argument("optimal_spec", nargs="?")
    parser.add_argument("--repeats", type=int)
    args = parser.parse_args(argv)
    try:
        out = run_predict(args.spec, args.optimal_spec) if args.mode == "predict" else run_simulate(args.spec, args.repeats)
    except SpecError as error:
        print("numpy_pipeline: %s" % error, file=sys.stderr)
        return 1
    out["peakMB"] = peak_mb()
    out["threads"] = blas_threads()
    out["numpy"] = np.__version__
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
