#!/usr/bin/env python3
"""Independent double-precision reference for the Rainbow Lab engine (Python 3 + NumPy only).

    python3 test/reference/rainbow_reference.py SPEC.rainbow.json

prints the `rainbow predict --json` output of spec-format.md ("Outputs"), without `simulation`.
It implements theory.md sections 3-5 directly, for specs whose randomness all lives in `.npy`
files (weights from files, `sameAs`, `plus`; readouts and betas from files). Random readouts and
betas need the engine's own generator and are rejected here.

    python3 test/reference/rainbow_reference.py --draw-weights SEED SPEC.rainbow.json

also accepts Gaussian weights (spec-format.md "weights": W = s Z C^1/2 for every row covariance),
drawn with NumPy's own generator seeded by SEED: not the engine's draws, but draws with the same
row covariances, so that averages over seeds can be compared with the engine's
(make_structured.py).

    python3 test/reference/rainbow_reference.py --self-check

runs the closed-form checks of theory.md section 6 (Hermite coefficients, Gaussian cross
moments, Marchenko-Pastur ridge risk).
"""

import json
import math
import os
import sys
import zlib

import numpy as np

LONG = np.longdouble  # extended precision for the scalar fixed point and the risk sums


class SpecError(Exception):
    """A spec this reference cannot evaluate (user error or unsupported feature)."""


# ---------------------------------------------------------------------------------------------
# Gaussian quadrature (theory.md section 4: Hermite coefficients at the pre-activation variance).
# Composite Gauss-Legendre against the standard normal density on [-12, 12], split at 0 so that
# the kinks of relu and sign (at h = 0 for every variance and gain) fall on panel edges.
# The mass outside [-12, 12] is 3.6e-33.

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
_ZMAX = 12.0


def _panels(breaks, max_width):
    """Gauss-Legendre nodes and weights over consecutive [breaks[i], breaks[i+1]] intervals,
    each cut into equal panels no wider than max_width."""
    xs, ws = [], []
    for a, b in zip(breaks[:-1], breaks[1:]):
        if b <= a:
            continue
        m = max(1, int(math.ceil((b - a) / max_width - 1e-12)))
        edges = np.linspace(a, b, m + 1)
        for lo, hi in zip(edges[:-1], edges[1:]):
            half = 0.5 * (hi - lo)
            xs.append(lo + half * (_GL_NODES + 1.0))
            ws.append(half * _GL_WEIGHTS)
    return np.concatenate(xs), np.concatenate(ws)


# Nodes on (0, 12] only: E f(z) = sum_j w_j (f(z_j) + f(-z_j)), so that odd activations give
# kappa0 = 0 and even ones kappa1 = 0 exactly, as the mirrored nodes would in exact arithmetic.
_Z, _ZW = _panels([0.0, _ZMAX], 0.25)
_ZW = _ZW * np.exp(-0.5 * _Z * _Z) / math.sqrt(2.0 * math.pi)

# Polar grid for two correlated Gaussians: radius panels (angles are built per call).
_RHO, _RHOW = _panels([0.0, _ZMAX], 0.25)
_RHOW = _RHOW * _RHO * np.exp(-0.5 * _RHO * _RHO) / (2.0 * math.pi)


# ---------------------------------------------------------------------------------------------
# Activations (spec-format.md "Network"): sigma(g h) for a gain g.

_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _np_erf(x):
    return np.asarray(_erf(np.asarray(x, dtype=float)), dtype=float)


def _np_erfc(x):
    return np.asarray(_erfc(np.asarray(x, dtype=float)), dtype=float)


def _sigmoid(h):
    return 0.5 * (1.0 + np.tanh(0.5 * h))


ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda h: np.maximum(h, 0.0),
    "erf": _np_erf,
    "sign": np.sign,
    "linear": lambda h: h,
    "sigmoid": _sigmoid,
    # exact GELU h * Phi(h); erfc keeps Phi accurate for very negative h
    "gelu": lambda h: h * 0.5 * _np_erfc(-h / math.sqrt(2.0)),
    "silu": lambda h: h * _sigmoid(h),
    "softplus": lambda h: np.logaddexp(0.0, h),
    "sin": np.sin,
}


class Activation:
    def __init__(self, spec_value):
        if isinstance(spec_value, str):
            name, gain = spec_value, 1.0
        elif isinstance(spec_value, dict) and "name" in spec_value:
            name, gain = spec_value["name"], float(spec_value.get("gain", 1.0))
        else:
            raise SpecError("activation must be a name or {name, gain}: %r" % (spec_value,))
        if name not in ACTIVATIONS:
            raise SpecError("unknown activation %r" % (name,))
        self.name, self.gain, self.spec_value = name, gain, spec_value
        self._f = ACTIVATIONS[name]

    def __call__(self, h):
        return self._f(self.gain * np.asarray(h, dtype=float))


def hermite(act, r):
    """(kappa0, kappa1, E sigma(N)^2) for N ~ N(0, r)  (theory.md section 4):
    kappa0 = E sigma(N), kappa1 = E[N sigma(N)] / r."""
    if not r > 0.0:
        raise SpecError("pre-activation variance %r is not positive" % (r,))
    if act.name == "linear":  # exact: sigma(h) = g h
        return 0.0, act.gain, act.gain * act.gain * r
    s = math.sqrt(r)
    fp, fm = act(s * _Z), act(-s * _Z)
    k0 = float(np.dot(_ZW, fp + fm))
    k1 = float(np.dot(_ZW, _Z * (fp - fm))) / s
    m2 = float(np.dot(_ZW, fp * fp + fm * fm))
    return k0, k1, m2


def kappa_star2(r, k0, k1, m2):
    """kappaStar2 = E sigma^2 - kappa0^2 - r kappa1^2 (theory.md section 4)."""
    return m2 - k0 * k0 - r * k1 * k1


def cross_moment(act, act_t, r, rt, c):
    """E[sigma(N) sigmaT(M)] for (N, M) centred Gaussian with variances r, rt and covariance c
    (theory.md section 5, kappaCheck2). Polar coordinates in the whitened plane
    N = sqrt(r) z1, M = a z1 + b z2: every kink of relu/sign lies on a ray through the origin,
    so the angular panels are split at those rays and the radial integrand is smooth."""
    if not (r > 0.0 and rt > 0.0):
        raise SpecError("cross moment needs positive variances")
    s = math.sqrt(r)
    a = c / s
    b2 = rt - a * a
    if b2 < -1e-12 * rt:
        raise SpecError("cross covariance %r exceeds sqrt(r rTilde) (not a valid Gaussian)" % c)
    # |correlation| = 1 up to round-off (tied weights): the pair is degenerate, M = a z1
    b = 0.0 if b2 <= 1e-14 * rt else math.sqrt(b2)
    two_pi = 2.0 * math.pi
    breaks = {0.0, two_pi, 0.5 * math.pi, 1.5 * math.pi}
    t0 = math.atan2(-a, b) % math.pi  # a cos t + b sin t = 0 at t0 and t0 + pi
    breaks.update({t0, t0 + math.pi})
    breaks = sorted(x for x in breaks if 0.0 <= x <= two_pi)
    th, thw = _panels(breaks, two_pi / 96.0)
    cos_t, sin_t = np.cos(th), np.sin(th)
    z1 = np.outer(_RHO, cos_t)
    z2 = np.outer(_RHO, sin_t)
    f = act(s * z1) * act_t(a * z1 + b * z2)
    return float(_RHOW @ f @ thw)


# ---------------------------------------------------------------------------------------------
# Spec reading (spec-format.md)

def _load_json(path):
    with open(path, "r", encoding="utf-8") as fh:
        return json.load(fh)


def _load_npy(base_dir, rel):
    if not isinstance(rel, str):
        raise SpecError("file reference must be a string: %r" % (rel,))
    path = os.path.join(base_dir, rel)
    if not os.path.isfile(path):
        raise SpecError("missing file %s" % rel)
    arr = np.load(path, allow_pickle=False)
    arr = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise SpecError("non-finite entry in %s" % rel)
    return arr


class Layer:
    def __init__(self, spec, index, role, base_dir, fan_in):
        self.spec = spec
        self.role = role  # "student" or "teacher"
        self.id = spec.get("id", ("L%d" if role == "student" else "T%d") % (index + 1))
        self.width = int(spec["width"])
        self.fan_in = fan_in
        self.activation = Activation(spec["activation"])
        self.base_dir = base_dir
        lin = (spec.get("weights") or {}).get("linearization", "average")
        if lin not in ("average", "perNeuron"):
            raise SpecError("unknown linearization %r" % (lin,))
        self.per_neuron = lin == "perNeuron"
        # Absent weights are the schema's default: Gaussian, identity row covariance, scale 1.
        self.weights_spec = spec.get("weights", {"gaussian": {}})


def _network_layers(net, role, base_dir, d):
    """net: a network object or a relative path to a `"kind": "network"` file."""
    if isinstance(net, str):
        path = os.path.join(base_dir, net)
        obj = _load_json(path)
        if obj.get("kind") != "network":
            raise SpecError("%s is not a network file" % net)
        # paths inside a network file are relative to that file's folder
        base_dir = os.path.dirname(os.path.abspath(path))
        net = obj
    layers, fan_in = [], d
    for i, ls in enumerate(net["layers"]):
        layer = Layer(ls, i, role, base_dir, fan_in)
        layers.append(layer)
        fan_in = layer.width
    if not layers:
        raise SpecError("a network needs at least one layer")
    return layers


class WeightResolver:
    """Realised weight matrices (width x fan_in) of all student and teacher layers:
    file (outIn / inOut), sameAs, and `plus` scaled copies (spec-format.md "weights")."""

    def __init__(self, layers, weight_seed=None):
        # Seed of NumPy's generator for Gaussian weights; None rejects them.
        self.weight_seed = weight_seed
        self.layers = {}
        for layer in layers:
            if layer.id in self.layers:
                raise SpecError("duplicate layer id %r" % layer.id)
            self.layers[layer.id] = layer
        self.cache = {}
        self.visiting = set()

    def _layer(self, lid):
        if lid not in self.layers:
            raise SpecError("unknown layer id %r" % (lid,))
        return self.layers[lid]

    def weights(self, lid):
        if lid in self.cache:
            return self.cache[lid]
        if lid in self.visiting:
            raise SpecError("circular weight reference through %r" % lid)
        self.visiting.add(lid)
        layer = self._layer(lid)
        ws = layer.weights_spec
        shape = (layer.width, layer.fan_in)
        if "file" in ws:
            w = _load_npy(layer.base_dir, ws["file"])
            layout = ws.get("layout", "outIn")
            if layout == "inOut":
                w = w.T
            elif layout != "outIn":
                raise SpecError("unknown layout %r" % (layout,))
            if w.shape != shape:
                raise SpecError("layer %s: weights %s have shape %s, expected %s (%s)"
                                % (lid, ws["file"], w.shape, shape, layout))
        elif "sameAs" in ws:
            w = self.weights(ws["sameAs"])
            if w.shape != shape:
                raise SpecError("layer %s: sameAs %s has shape %s, expected %s"
                                % (lid, ws["sameAs"], w.shape, shape))
        elif "gaussian" in ws:
            w = self._gaussian(layer, ws["gaussian"])
        else:
            raise SpecError("layer %s: unsupported weights %r" % (lid, sorted(ws)))
        w = np.array(w, dtype=np.float64)
        for term in ws.get("plus", []):
            other = self.weights(term["layer"])
            if other.shape != shape:
                raise SpecError("layer %s: plus %s has shape %s, expected %s"
                                % (lid, term["layer"], other.shape, shape))
            w = w + float(term["scale"]) * other
        self.visiting.discard(lid)
        self.cache[lid] = w
        return w

    def _gaussian(self, layer, g):
        """W = s Z C^1/2 with Z i.i.d. N(0, 1/fan_in): each layer draws from its own generator,
        seeded by the weight seed and the layer's role and id, so its draws do not depend on the
        order in which layers are resolved."""
        if self.weight_seed is None:
            raise SpecError("layer %s: Gaussian weights need --draw-weights SEED" % layer.id)
        label = ("%s/%s" % (layer.role, layer.id)).encode("utf-8")
        rng = np.random.default_rng([self.weight_seed, zlib.crc32(label)])
        z = rng.standard_normal((layer.width, layer.fan_in)) / math.sqrt(layer.fan_in)
        c = self._row_covariance(layer, g.get("rowCovariance", "identity"), rng)
        w = z if c is None else z @ _symmetric_power(c, 0.5)
        return float(g.get("scale", 1.0)) * w

    def _row_covariance(self, layer, c, rng):
        """The fan_in x fan_in row covariance C (None for the identity)."""
        k = layer.fan_in
        if c == "identity":
            return None
        if "powerLaw" in c:
            return np.diag(np.arange(1, k + 1, dtype=float) ** (-float(c["powerLaw"])))
        if "diagonal" in c:
            diag = c["diagonal"]
            diag = _load_npy(layer.base_dir, diag["file"]) if isinstance(diag, dict) else diag
            diag = np.asarray(diag, dtype=float).reshape(-1)
            if diag.shape != (k,):
                raise SpecError("layer %s: diagonal row covariance needs %d entries" % (layer.id, k))
            return np.diag(diag)
        if "spiked" in c:
            strength, rank = float(c["spiked"]["strength"]), int(c["spiked"]["rank"])
            v, _ = np.linalg.qr(rng.standard_normal((k, rank)))  # rank orthonormal columns
            return np.eye(k) + strength * (v @ v.T)
        if "gram" in c or "inverseGram" in c:
            params = c.get("gram") or c.get("inverseGram")
            other = self.weights(params["layer"])
            if other.shape[0] != k:
                raise SpecError("layer %s: gram layer %s has width %d, fan-in is %d"
                                % (layer.id, params["layer"], other.shape[0], k))
            gram = other @ other.T + float(params.get("shift", 0.0)) * np.eye(k)
            return gram if "gram" in c else np.linalg.inv(gram)
        if "file" in c:
            m = _load_npy(layer.base_dir, c["file"])
            if m.shape != (k, k):
                raise SpecError("layer %s: row covariance file has shape %s" % (layer.id, m.shape))
            return m
        raise SpecError("layer %s: unknown row covariance %r" % (layer.id, c))

    def references(self, lid):
        """Transitive closure of the layers lid's weights are built from (sameAs, plus)."""
        seen, stack = set(), [lid]
        while stack:
            ws = self._layer(stack.pop()).weights_spec
            refs = []
            if "sameAs" in ws:
                refs.append(ws["sameAs"])
            refs += [t["layer"] for t in ws.get("plus", [])]
            for ref in refs:
                if ref not in seen:
                    seen.add(ref)
                    stack.append(ref)
        return seen

    def correlated(self, a, b):
        """Rows of layers a and b are structurally correlated: one is built from the other, or
        both from a common layer (theory.md section 5, identity term kappaCheck2)."""
        ra, rb = self.references(a), self.references(b)
        return b in ra or a in rb or bool(ra & rb)


def _symmetric_power(c, power):
    """C^power of a symmetric positive semi-definite C by eigendecomposition."""
    values, vectors = np.linalg.eigh(0.5 * (c + c.T))
    if values[0] < -1e-10 * max(1.0, abs(values[-1])):
        raise SpecError("row covariance is not positive semi-definite (eigenvalue %g)" % values[0])
    return (vectors * np.maximum(values, 0.0) ** power) @ vectors.T


def _input_covariance(spec, base_dir):
    inp = spec.get("input", {})
    d = int(inp["dimension"])
    cov = inp.get("covariance", "identity")
    samples = None
    if cov == "identity":
        omega0 = np.eye(d)
    elif isinstance(cov, dict) and "powerLaw" in cov:
        k = np.arange(1, d + 1, dtype=float)
        omega0 = np.diag(k ** (-float(cov["powerLaw"])))
    elif isinstance(cov, dict) and "diagonal" in cov:
        diag = np.asarray(cov["diagonal"], dtype=float)
        if diag.shape != (d,):
            raise SpecError("diagonal covariance needs %d entries" % d)
        omega0 = np.diag(diag)
    elif isinstance(cov, dict) and "file" in cov:
        c = _load_npy(base_dir, cov["file"])
        if c.shape == (d,):
            omega0 = np.diag(c)
        elif c.shape == (d, d):
            omega0 = c
        else:
            raise SpecError("covariance file has shape %s, expected (%d,) or (%d, %d)"
                            % (c.shape, d, d, d))
    elif isinstance(cov, dict) and "samples" in cov:
        samples = _load_npy(base_dir, cov["samples"])
        if samples.ndim != 2 or samples.shape[1] != d:
            raise SpecError("samples file has shape %s, expected (N, %d)" % (samples.shape, d))
        omega0 = samples.T @ samples / samples.shape[0]
    else:
        raise SpecError("unsupported input covariance %r" % (cov,))
    return d, omega0, samples


def sample_sizes(samples):
    """n values: list or range, floor(v + 0.5), duplicates dropped keeping the first."""
    if "n" in samples:
        values = [float(v) for v in samples["n"]]
    else:
        a, b = float(samples["from"]), float(samples["to"])
        m = int(samples["points"])
        spacing = samples.get("spacing", "log")
        if m == 1:
            values = [a]
        elif spacing == "log":
            values = [a * (b / a) ** (k / (m - 1)) for k in range(m)]
            values[-1] = b
        elif spacing == "linear":
            values = [a + (b - a) * k / (m - 1) for k in range(m)]
            values[-1] = b
        else:
            raise SpecError("unknown spacing %r" % (spacing,))
    out = []
    for v in values:
        n = int(math.floor(v + 0.5))
        if n < 1:
            raise SpecError("sample size %r rounds below 1" % v)
        if n not in out:
            out.append(n)
    return out


# ---------------------------------------------------------------------------------------------
# Linearised layer recursion (theory.md section 4) and cross moments (section 5)

class LayerStep:
    """One layer's linearisation: D (kappa1 per neuron), the diagonal term, reported figures."""

    def __init__(self, layer, w, cov_in):
        self.layer = layer
        h = w @ cov_in @ w.T
        self.h = 0.5 * (h + h.T)
        diag_h = np.diag(self.h).copy()
        act = layer.activation
        if layer.per_neuron:
            k = layer.width
            self.r = diag_h
            self.k0 = np.empty(k)
            self.k1 = np.empty(k)
            m2 = np.empty(k)
            for i in range(k):
                self.k0[i], self.k1[i], m2[i] = hermite(act, float(diag_h[i]))
            self.ks2 = m2 - self.k0 ** 2 - self.r * self.k1 ** 2
            # Omega_l = D (H - diag H) D + diag(E sigma(N_i)^2 - kappa0_i^2)
            off = self.h - np.diag(diag_h)
            self.cov_out = self.k1[:, None] * off * self.k1[None, :] + np.diag(m2 - self.k0 ** 2)
            self.report = (float(np.mean(self.r)), float(np.mean(self.k0)),
                           float(np.mean(self.k1)), float(np.mean(self.ks2)))
        else:
            r = float(np.mean(diag_h))
            k0, k1, m2 = hermite(act, r)
            ks2 = kappa_star2(r, k0, k1, m2)
            self.r = np.full(layer.width, r)
            self.k0 = np.full(layer.width, k0)
            self.k1 = np.full(layer.width, k1)
            self.ks2 = np.full(layer.width, ks2)
            # Omega_l = kappa1^2 W Omega W^T + kappaStar2 I
            self.cov_out = k1 * k1 * self.h + ks2 * np.eye(layer.width)
            self.report = (r, k0, k1, ks2)
        self.cov_out = 0.5 * (self.cov_out + self.cov_out.T)


def _identity_term(resolver, s_step, t_step, g):
    """kappaCheck2 for a correlated paired layer (theory.md section 5):
    centred E[sigma(N) sigmaT(M)] - rCheck kappa1 kappaTilde1, rCheck = mean_i G_ii."""
    sl, tl = s_step.layer, t_step.layer
    if sl.width != tl.width:
        raise SpecError("correlated layers %s and %s need equal widths" % (sl.id, tl.id))
    if sl.per_neuron or tl.per_neuron:
        raise SpecError("per-neuron linearisation of correlated student/teacher layers is not "
                        "supported by the reference")
    r, rt = float(s_step.r[0]), float(t_step.r[0])
    r_check = float(np.mean(np.diag(g)))
    e = cross_moment(sl.activation, tl.activation, r, rt, r_check)
    k0, k1 = float(s_step.k0[0]), float(s_step.k1[0])
    kt0, kt1 = float(t_step.k0[0]), float(t_step.k1[0])
    return (e - k0 * kt0) - r_check * k1 * kt1, r_check


def compute_moments(spec, base_dir, weight_seed=None):
    """Omega (student, last layer), psi, sigma2, noise variance and per-layer reports."""
    d, omega0, samples = _input_covariance(spec, base_dir)
    student = _network_layers(spec["student"], "student", base_dir, d)
    teacher_spec = spec["teacher"]
    tkind = teacher_spec.get("kind")
    teacher = []
    if tkind == "network":
        teacher = _network_layers(teacher_spec["network"], "teacher", base_dir, d)
    resolver = WeightResolver(student + teacher, weight_seed)
    noise = float(teacher_spec.get("noise", 0.0))
    if noise < 0:
        raise SpecError("noise must be >= 0")

    s_steps = []
    cov = omega0
    for layer in student:
        step = LayerStep(layer, resolver.weights(layer.id), cov)
        s_steps.append(step)
        cov = step.cov_out
    omega = cov
    p = student[-1].width
    cross = []

    if tkind == "linear":
        ws = teacher_spec.get("weights")
        if not (isinstance(ws, dict) and "file" in ws):
            raise SpecError("linear teacher: random beta needs the engine's generator")
        beta = _load_npy(base_dir, ws["file"]).reshape(-1)
        if beta.shape != (d,):
            raise SpecError("beta has %d entries, expected %d" % (beta.size, d))
        psi = omega0 @ beta  # psi_0 = Omega_0 beta, psi_l = D_l W_l psi_{l-1}
        for step in s_steps:
            psi = step.k1 * (resolver.weights(step.layer.id) @ psi)
        sigma2 = float(beta @ omega0 @ beta) + noise * noise
        noise_var = noise * noise
    elif tkind == "student":
        ro = teacher_spec.get("readout", "random")
        if not (isinstance(ro, dict) and "file" in ro):
            raise SpecError("student teacher: random readout needs the engine's generator")
        theta = _load_npy(base_dir, ro["file"]).reshape(-1)
        if theta.shape != (p,):
            raise SpecError("readout has %d entries, expected %d" % (theta.size, p))
        psi = omega @ theta
        sigma2 = float(theta @ omega @ theta) + noise * noise
        noise_var = noise * noise
    elif tkind == "data":
        if samples is None:
            raise SpecError("data teacher requires input.covariance.samples")
        y = _load_npy(base_dir, teacher_spec["labels"]).reshape(-1)
        if y.shape != (samples.shape[0],):
            raise SpecError("labels have %d entries, expected %d" % (y.size, samples.shape[0]))
        psi = samples.T @ y / samples.shape[0]
        for step in s_steps:
            psi = step.k1 * (resolver.weights(step.layer.id) @ psi)
        sigma2 = float(np.mean(y * y))
        noise_var = 0.0
    elif tkind == "network":
        ro = teacher_spec.get("readout", "random")
        if not (isinstance(ro, dict) and "file" in ro):
            raise SpecError("network teacher: random readout needs the engine's generator")
        theta = _load_npy(base_dir, ro["file"]).reshape(-1)
        k_t = teacher[-1].width
        if theta.shape != (k_t,):
            raise SpecError("readout has %d entries, expected %d" % (theta.size, k_t))
        # Phi_0 = Psi_0 = Omega_0; paired layers l <= min(L, Lt), then one-sided layers.
        om, ps, ph = omega0, omega0, omega0
        for l in range(max(len(student), len(teacher))):
            s_step = s_steps[l] if l < len(student) else None
            t_step = None
            if l < len(teacher):
                t_step = LayerStep(teacher[l], resolver.weights(teacher[l].id), ps)
                ps = t_step.cov_out
            if s_step is not None and t_step is not None:
                w = resolver.weights(student[l].id)
                v = resolver.weights(teacher[l].id)
                g = w @ ph @ v.T
                new = s_step.k1[:, None] * g * t_step.k1[None, :]
                info = {"student": student[l].id, "teacher": teacher[l].id,
                        "correlated": False}
                if resolver.correlated(student[l].id, teacher[l].id):
                    kc2, r_check = _identity_term(resolver, s_step, t_step, g)
                    new = new + kc2 * np.eye(student[l].width)
                    info.update(correlated=True, kappaCheck2=kc2, rCheck=r_check)
                cross.append(info)
                ph = new
            elif s_step is not None:
                ph = s_step.k1[:, None] * (resolver.weights(student[l].id) @ ph)
            else:
                ph = (ph @ resolver.weights(teacher[l].id).T) * t_step.k1[None, :]
        psi = ph @ theta
        sigma2 = float(theta @ ps @ theta) + noise * noise
        noise_var = noise * noise
    else:
        raise SpecError("unknown teacher kind %r" % (tkind,))

    return {"omega": omega, "psi": psi, "sigma2": sigma2, "noiseVariance": noise_var,
            "steps": s_steps, "student": student, "cross": cross, "omega0": omega0}


def check_joint_psd(omega, psi, sigma2):
    """theory.md section 2: [[Omega, psi], [psi^T, sigma2]] must be positive semi-definite."""
    p = omega.shape[0]
    joint = np.empty((p + 1, p + 1))
    joint[:p, :p] = omega
    joint[:p, p] = psi
    joint[p, :p] = psi
    joint[p, p] = sigma2
    ev = np.linalg.eigvalsh(joint)
    scale = max(float(np.max(np.abs(ev))), 1e-300)
    if ev[0] < -1e-9 * scale:
        raise SpecError("the joint moment matrix [[Omega, psi], [psi^T, sigma2]] is not positive "
                        "semi-definite (smallest eigenvalue %.3e, scale %.3e)" % (ev[0], scale))
    return float(ev[0])


# ---------------------------------------------------------------------------------------------
# Deterministic equivalent of the ridge risk (theory.md section 3), sum convention.

def solve_kappa(omega, lam, n, max_iter=500):
    """Unique positive root of h(kappa) = kappa (1 - (1/n) sum omega/(omega + kappa)) = lam/n.
    h is convex with h(0) = 0 and h' = 1 - df2, so Newton started at the upper end of the bracket
    [lam/n, lam/n + trace/n] decreases monotonically onto the root. Extended precision."""
    om = np.asarray(omega, dtype=LONG)
    n_l, lam_l = LONG(n), LONG(lam)
    target = lam_l / n_l
    lo = target
    kappa = target + np.sum(om) / n_l
    for _ in range(max_iter):
        q = om / (om + kappa)
        h = kappa * (1 - np.sum(q) / n_l)
        dh = 1 - np.sum(q * q) / n_l
        step = (h - target) / dh
        new = kappa - step
        if not step > 0 or new < lo:
            break
        if step <= kappa * LONG(1e-19):
            kappa = new
            break
        kappa = new
    else:
        raise SpecError("kappa did not converge (n=%d, lambda=%g)" % (n, lam))
    return kappa


def risk(omega, psi_t, sigma2, lam, n):
    """(testError, trainError, kappa) for sum-convention lambda (theory.md section 3, [P] Eq. 12).
    1 - df2 is evaluated as lam/(n kappa) + (kappa/n) sum omega/(omega + kappa)^2, equal to it at
    the root and free of cancellation near the interpolation peak."""
    om = np.asarray(omega, dtype=LONG)
    pt2 = np.asarray(psi_t, dtype=LONG) ** 2
    kappa = solve_kappa(omega, lam, n)
    n_l, lam_l = LONG(n), LONG(lam)
    denom = om + kappa
    one_minus_df2 = lam_l / (n_l * kappa) + kappa * np.sum(om / (denom * denom)) / n_l
    num = LONG(sigma2) - np.sum(pt2 * (om + 2 * kappa) / (denom * denom))
    test = num / one_minus_df2
    train = (lam_l / (n_l * kappa)) ** 2 * test
    return float(test), float(train), float(kappa)


def optimal_lambda(omega, psi_t, sigma2, n, p, grid_per_decade=8, tol=1e-10):
    """argmin over log(lambda) of the predicted test error (theory.md section 3), sum convention,
    in [1e-8, 1e8] * trace(Omega)/p * n: coarse log grid, then golden section to tol."""
    base = float(np.sum(omega)) / p * n
    lo, hi = math.log(base * 1e-8), math.log(base * 1e8)
    m = 16 * grid_per_decade + 1
    xs = np.linspace(lo, hi, m)
    fs = [risk(omega, psi_t, sigma2, math.exp(x), n)[0] for x in xs]
    i = int(np.argmin(fs))
    a, b = xs[max(i - 1, 0)], xs[min(i + 1, m - 1)]
    invphi = (math.sqrt(5.0) - 1.0) / 2.0
    c, d_ = b - invphi * (b - a), a + invphi * (b - a)
    fc = risk(omega, psi_t, sigma2, math.exp(c), n)[0]
    fd = risk(omega, psi_t, sigma2, math.exp(d_), n)[0]
    while b - a > tol:
        if fc <= fd:
            b, d_, fd = d_, c, fc
            c = b - invphi * (b - a)
            fc = risk(omega, psi_t, sigma2, math.exp(c), n)[0]
        else:
            a, c, fc = c, d_, fd
            d_ = a + invphi * (b - a)
            fd = risk(omega, psi_t, sigma2, math.exp(d_), n)[0]
    cand = [(fs[i], xs[i]), (fc, c), (fd, d_)]
    return math.exp(min(cand)[1])


# ---------------------------------------------------------------------------------------------

def predict(spec_path, details=False, weight_seed=None):
    spec_path = os.path.abspath(spec_path)
    base_dir = os.path.dirname(spec_path)
    spec = _load_json(spec_path)
    if spec.get("kind") != "experiment":
        raise SpecError("not an experiment spec")
    if "sweep" in spec:
        raise SpecError("sweep is not supported by the reference")
    mom = compute_moments(spec, base_dir, weight_seed)
    omega, psi, sigma2 = mom["omega"], mom["psi"], mom["sigma2"]
    p = omega.shape[0]
    joint_min = check_joint_psd(omega, psi, sigma2)

    evals, evecs = np.linalg.eigh(omega)
    evals = np.maximum(evals, 0.0)  # round-off negatives of a PSD matrix
    psi_t = evecs.T @ psi

    ridge = spec.get("ridge", {})
    convention = ridge.get("convention", "sum")
    if convention not in ("sum", "mean", "paper"):
        raise SpecError("unknown ridge convention %r" % (convention,))
    lambdas = ridge.get("lambda")
    if lambdas is None:
        raise SpecError("ridge.lambda is required")
    ns = sample_sizes(spec["samples"])

    def to_sum(lam_c, n):
        return lam_c * (n if convention == "mean" else p if convention == "paper" else 1)

    points, sum_lambdas = [], []
    for n in ns:
        if lambdas == "optimal":
            pairs = [(None, optimal_lambda(evals, psi_t, sigma2, n, p))]
        else:
            pairs = []
            for lam_c in lambdas:
                lam_c = float(lam_c)
                if not lam_c > 0:
                    raise SpecError("lambda must be > 0")
                pairs.append((lam_c, to_sum(lam_c, n)))
        for lam_c, lam in pairs:
            if lam_c is None:
                lam_c = lam / (n if convention == "mean" else p if convention == "paper" else 1)
            test, train, kappa = risk(evals, psi_t, sigma2, lam, n)
            sum_lambdas.append(lam)
            points.append({"n": n, "lambda": lam_c, "testError": test,
                           "generalizationError": test - mom["noiseVariance"],
                           "trainError": train, "effectiveRegularization": kappa})

    layers = []
    for step in mom["steps"]:
        r, k0, k1, ks2 = step.report
        ev = np.linalg.eigvalsh(step.cov_out)
        layers.append({"id": step.layer.id, "width": step.layer.width,
                       "activation": step.layer.activation.spec_value,
                       "preactivationVariance": r, "kappa0": k0, "kappa1": k1,
                       "kappaStar": math.sqrt(max(ks2, 0.0)),
                       "spectrum": {"min": float(ev[0]), "max": float(ev[-1]),
                                    "mean": float(np.mean(ev))}})
    out = {"title": spec.get("title", ""), "features": p, "seed": spec.get("seed", 0),
           "layers": layers,
           "target": {"variance": sigma2, "noiseVariance": mom["noiseVariance"]},
           "points": points}
    if details:
        # intermediate quantities outside the output contract, for debugging an engine
        out["details"] = {"pairedLayers": mom["cross"], "psiNorm": float(np.linalg.norm(psi)),
                          "jointMinEigenvalue": joint_min, "sumConventionLambda": sum_lambdas}
    return out


# ---------------------------------------------------------------------------------------------
# Self-checks (theory.md section 6)

def _rel(a, b):
    return abs(a - b) / max(1.0, abs(a), abs(b))


def self_check(verbose=True):
    """Returns a list of (name, computed, expected, error) and raises on failure."""
    rows = []

    def check(name, got, want, tol):
        err = _rel(got, want)
        rows.append((name, got, want, err))
        if err > tol:
            raise AssertionError("%s: got %.15g, expected %.15g (err %.2e)" % (name, got, want, err))

    pi = math.pi
    for r in (0.3, 1.0, 2.7):
        k0, k1, m2 = hermite(Activation("relu"), r)
        check("relu r=%g kappa0" % r, k0, math.sqrt(r / (2 * pi)), 1e-12)
        check("relu r=%g kappa1" % r, k1, 0.5, 1e-12)
        check("relu r=%g kappaStar2" % r, kappa_star2(r, k0, k1, m2), r * (0.25 - 0.5 / pi), 1e-12)
        k0, k1, m2 = hermite(Activation("sign"), r)
        check("sign r=%g kappa1" % r, k1, math.sqrt(2 / (pi * r)), 1e-12)
        check("sign r=%g kappaStar2" % r, kappa_star2(r, k0, k1, m2), 1 - 2 / pi, 1e-12)
        k0, k1, m2 = hermite(Activation("erf"), r)
        check("erf r=%g kappa1" % r, k1, (2 / math.sqrt(pi)) / math.sqrt(1 + 2 * r), 1e-12)
        check("erf r=%g E erf^2" % r, m2, (2 / pi) * math.asin(2 * r / (1 + 2 * r)), 1e-12)
        g = 1.7
        k0, k1, m2 = hermite(Activation({"name": "sin", "gain": g}), r)
        check("sin gain %g r=%g kappa1" % (g, r), k1, g * math.exp(-0.5 * g * g * r), 1e-12)
        check("sin gain %g r=%g E sin^2" % (g, r), m2, 0.5 * (1 - math.exp(-2 * g * g * r)), 1e-12)
        k0, k1, m2 = hermite(Activation("gelu"), r)
        check("gelu r=%g kappa0" % r, k0, r / math.sqrt(2 * pi * (1 + r)), 1e-12)
        # E gelu'(N) = E[Phi(N) + N phi(N)] = 1/2 at any variance
        check("gelu r=%g kappa1" % r, k1, 0.5, 1e-12)
        k0, k1, m2 = hermite(Activation("sigmoid"), r)
        check("sigmoid r=%g kappa0" % r, k0, 0.5, 1e-12)
    # entire activations: against plain Gauss-Hermite (probabilists') with 250 nodes, which
    # converges fast only without poles near the real axis (so not for tanh, sigmoid, ...)
    xh, wh = np.polynomial.hermite_e.hermegauss(250)
    wh = wh / math.sqrt(2 * pi)
    for spec_value in ("erf", {"name": "gelu", "gain": 1.5}, {"name": "sin", "gain": 0.7}):
        act = Activation(spec_value)
        for r in (0.2, 3.0):
            k0, k1, m2 = hermite(act, r)
            f = act(math.sqrt(r) * xh)
            label = "%s r=%g vs Gauss-Hermite" % (act.name, r)
            check(label + " kappa0", k0, float(wh @ f), 1e-12)
            check(label + " kappa1", k1, float(wh @ (xh * f)) / math.sqrt(r), 1e-12)
            check(label + " E sigma^2", m2, float(wh @ (f * f)), 1e-12)
    # every activation: against a 4x finer, wider composite rule (panel width 1/16, |z| <= 14)
    zf, wf = _panels([-14.0, 0.0, 14.0], 1.0 / 16.0)
    wf = wf * np.exp(-0.5 * zf * zf) / math.sqrt(2 * pi)
    for name in sorted(ACTIVATIONS):
        act = Activation({"name": name, "gain": 1.3})
        for r in (0.05, 3.0, 25.0):
            k0, k1, m2 = hermite(act, r)
            f = act(math.sqrt(r) * zf)
            label = "%s(1.3 h) r=%g vs finer rule" % (name, r)
            check(label + " kappa0", k0, float(wf @ f), 1e-13)
            check(label + " kappa1", k1, float(wf @ (zf * f)) / math.sqrt(r), 1e-13)
            check(label + " E sigma^2", m2, float(wf @ (f * f)), 1e-13)
    k0, k1, m2 = hermite(Activation("tanh"), 1.0)
    check("tanh r=1 kappa1", k1, 0.60570551, 1e-8)
    check("tanh r=1 kappaStar2", kappa_star2(1.0, k0, k1, m2), 0.02741533, 1e-8)

    # cross moments of correlated Gaussians (kappaCheck2)
    for r, rt, rho in ((1.0, 1.0, 0.6), (0.5, 2.0, -0.3), (1.3, 0.8, 0.999), (0.7, 0.7, 1.0)):
        c = rho * math.sqrt(r * rt)
        e = cross_moment(Activation("sign"), Activation("sign"), r, rt, c)
        check("E sign sign rho=%g" % rho, e, (2 / pi) * math.asin(rho), 1e-12)
        th = math.acos(rho)
        e = cross_moment(Activation("relu"), Activation("relu"), r, rt, c)
        check("E relu relu rho=%g" % rho, e,
              math.sqrt(r * rt) / (2 * pi) * (math.sin(th) + (pi - th) * math.cos(th)), 1e-12)
        e = cross_moment(Activation("erf"), Activation("erf"), r, rt, c)
        check("E erf erf rho=%g" % rho, e,
              (2 / pi) * math.asin(2 * c / math.sqrt((1 + 2 * r) * (1 + 2 * rt))), 1e-12)
        e = cross_moment(Activation("relu"), Activation("sign"), r, rt, c)
        # E[relu(N) sign(M)] = E[N 1{N>0} sign(M)] = sqrt(r) (1/sqrt(2 pi)) * (2/pi)... use
        # E[N sign M] = c sqrt(2/(pi rt)) and E[|N| sign M] = 0 by symmetry: E relu sign = half.
        check("E relu sign rho=%g" % rho, e, 0.5 * c * math.sqrt(2 / (pi * rt)), 1e-12)

    # Marchenko-Pastur ridge risk: Omega = I_p, |beta|^2 = 1, s^2 = 0.25, mean convention
    # (values as printed in theory.md; tolerance = half a unit of the last printed digit)
    table = {0.5: ("0.248026", "0.176784", "0.375459"), 1.0: ("3.84514", "0.441130", "0.489919"),
             2.0: ("0.74901", "0.686529", "0.655330")}
    p = 400
    beta = np.ones(p) / math.sqrt(p)
    for g, wants in table.items():
        n = int(round(p / g))
        for lam_m, text in zip((1e-3, 0.1, 1.0), wants):
            test, _, _ = risk(np.ones(p), beta, 1.25, lam_m * n, n)
            want = float(text)
            half_unit = 0.5 * 10.0 ** -len(text.split(".")[1])
            check("MP g=%g lambda_M=%g excess" % (g, lam_m), test - 0.25, want,
                  half_unit / max(1.0, want))
    # ridgeless limits
    for g, want in ((0.5, 0.25 * 0.5 / 0.5), (2.0, 1 - 1 / 2.0 + 0.25 / 1.0)):
        n = int(round(p / g))
        test, _, _ = risk(np.ones(p), beta, 1.25, 1e-9 * n, n)
        check("MP ridgeless g=%g" % g, test - 0.25, want, 1e-7)

    if verbose:
        for name, got, want, err in rows:
            print("  %-34s %.12g  (expected %.12g, rel err %.1e)" % (name, got, want, err))
    return rows


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-check":
        self_check(verbose=True)
        print("self-check passed")
        return 0
    details = "--details" in argv
    args = [a for a in argv[1:] if a != "--details"]
    weight_seed = None
    if len(args) == 3 and args[0] == "--draw-weights" and args[1].isdigit():
        weight_seed = int(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.stderr.write("usage: rainbow_reference.py [--details] [--draw-weights SEED] "
                         "SPEC.rainbow.json | --self-check\n")
        return 2
    try:
        out = predict(args[0], details=details, weight_seed=weight_seed)
    except SpecError as exc:
        sys.stderr.write("error: %s\n" % exc)
        return 1
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
