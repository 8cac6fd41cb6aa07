/**
 * The WebAssembly SIMD kernels (server/src/core/linalg/wasm) against the pure TypeScript kernels,
 * through the same exported functions with the backend switched (backend.ts). Tolerances:
 * entries |a - b| <= 1e-10 * max(1, |a|, |b|); eigenvalues 1e-10 relative to the largest magnitude;
 * squared projections summed over clusters of equal eigenvalues (the only well-defined quantity)
 * 1e-10 relative to |v|^2; eigenvectors by residual and orthogonality at 1e-10, and column by
 * column (up to sign) where the eigenvalue is separated from its neighbours; the tridiagonal form
 * A = Q T Q^T by Q^T Q = I and Q T Q^T = A at 1e-10 relative to max(1, max |A_ij|), and by T's
 * eigenvalues (T's entries may differ in sign between the backends).
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../server/src/core/rng";
import { Matrix, zeros } from "../../server/src/core/linalg/matrix";
import { get, identity } from "../support/matrices";
import {
  addDiagonal,
  congruence,
  factoredCongruence,
  gram,
  multiply,
  multiplyTransposed,
  scaleColumns,
  transpose,
  transposeGram,
  transposeMultiply,
} from "../../server/src/core/linalg/products";
import {
  EigenResult,
  EigenvaluesResult,
  TridiagonalForm,
  psdSquareRoot,
  symmetricEigen,
  symmetricEigenvalues,
  symmetricTridiagonalForm,
} from "../../server/src/core/linalg/eigen";
import { LinalgBackend, kernelHelperParts, linalgBackend, setLinalgBackend, wasmUnavailableReason } from "../../server/src/core/linalg/backend";
import { WasmKernels, decodeBase64, kernelsModule } from "../../server/src/core/linalg/wasm/instance";
import { startKernelThreads } from "../../server/src/kernelThreads";
import { predict } from "../../server/src/core/prediction";
import { experimentText, memoryHost } from "../support/memoryHost";

const TOL = 1e-10;

// ---------------------------------------------------------------- helpers

function randomMatrix(rows: number, cols: number, label: string): Matrix {
  const rng = Random.stream(20240611, label);
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function randomSymmetric(n: number, label: string): Matrix {
  const a = randomMatrix(n, n, label);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[j * n + i] = a.data[i * n + j];
  return a;
}

/** B B^T + shift I with B n x rank: the eigenvalue `shift` has multiplicity n - rank. */
function lowRankPlusShift(n: number, rank: number, shift: number, label: string): Matrix {
  return addDiagonal(gram(randomMatrix(n, rank, label)), shift);
}

/** Runs f with each backend in turn: [TypeScript result, WebAssembly result]. */
function both<T>(f: () => T): [T, T] {
  setLinalgBackend("typescript");
  const reference = f();
  setLinalgBackend("wasm");
  return [reference, f()];
}

afterEach(() => setLinalgBackend("wasm"));

function assertMatrixClose(actual: Matrix, expected: Matrix, what: string): void {
  assert.deepEqual([actual.rows, actual.cols], [expected.rows, expected.cols], `${what}: shape`);
  for (let i = 0; i < actual.data.length; i++) {
    const a = actual.data[i];
    const b = expected.data[i];
    const bound = TOL * Math.max(1, Math.abs(a), Math.abs(b));
    assert.ok(Math.abs(a - b) <= bound, `${what}: entry ${i}: ${a} vs ${b}`);
  }
}

function assertExactlySymmetric(a: Matrix, what: string): void {
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < i; j++) assert.ok(Object.is(get(a, i, j), get(a, j, i)), `${what}: (${i}, ${j}) differs from (${j}, ${i})`);
  }
}

function largestMagnitude(values: Float64Array): number {
  let m = 0;
  for (const x of values) m = Math.max(m, Math.abs(x));
  return m;
}

function assertValuesClose(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: count`);
  const scale = Math.max(1, largestMagnitude(expected));
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= TOL * scale, `${what}: eigenvalue ${i}: ${actual[i]} vs ${expected[i]}`);
  }
  for (let i = 1; i < actual.length; i++) assert.ok(actual[i - 1] <= actual[i], `${what}: not ascending at ${i}`);
}

/** Runs of (reference) eigenvalues closer than 1e-8 of the largest: clusters of one eigenvalue. */
function clusters(values: Float64Array): [number, number][] {
  const gap = 1e-8 * Math.max(1, largestMagnitude(values));
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= values.length; i++) {
    if (i === values.length || values[i] - values[i - 1] > gap) {
      runs.push([start, i]);
      start = i;
    }
  }
  return runs;
}

function assertEigenvaluesResultClose(actual: EigenvaluesResult, expected: EigenvaluesResult, vectors: Float64Array[], what: string): void {
  assert.equal(actual.converged, true, `${what}: WebAssembly QL converged`);
  assert.equal(expected.converged, true, `${what}: TypeScript QL converged`);
  assertValuesClose(actual.values, expected.values, what);
  vectors.forEach((v, k) => {
    let norm = 0;
    for (const x of v) norm += x * x;
    const bound = TOL * Math.max(1, norm);
    let total = 0;
    for (const [from, to] of clusters(expected.values)) {
      let a = 0;
      let b = 0;
      for (let j = from; j < to; j++) {
        a += actual.projections[k][j] ** 2;
        b += expected.projections[k][j] ** 2;
      }
      total += a;
      assert.ok(Math.abs(a - b) <= bound, `${what}: vector ${k}, squared projections on eigenvalues ${from}..${to - 1}: ${a} vs ${b}`);
    }
    // U is orthogonal: the squared projections add up to |v|^2.
    assert.ok(Math.abs(total - norm) <= bound, `${what}: vector ${k}: sum of squared projections ${total} vs |v|^2 ${norm}`);
  });
}

/** A U = U diag(values) and U^T U = I to 1e-10 (scaled by the largest eigenvalue), both converged. */
function assertEigendecomposition(a: Matrix, result: EigenResult, what: string): void {
  const n = a.rows;
  assert.equal(result.converged, true, `${what}: converged`);
  const scale = Math.max(1, largestMagnitude(result.values));
  const au = multiply(a, result.vectors);
  const ud = scaleColumns(result.vectors, result.values);
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(au.data[i] - ud.data[i]) <= TOL * scale, `${what}: residual entry ${i}`);
  const utu = transposeGram(result.vectors);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(utu.data[i * n + j] - (i === j ? 1 : 0)) <= TOL, `${what}: U^T U entry (${i}, ${j})`);
    }
  }
}

// ---------------------------------------------------------------- backend

describe("linalg backend", () => {
  it("uses the WebAssembly SIMD kernels by default on Node (a broken build fails here)", () => {
    assert.equal(wasmUnavailableReason(), undefined);
    assert.equal(linalgBackend(), "wasm");
  });

  it("switches: products and eigenproblems go through the kernels only when 'wasm' is selected", () => {
    const a = randomMatrix(5, 4, "switch");
    const s = gram(a);
    const calls: LinalgBackend[] = [];
    const original = WasmKernels.prototype.allocate;
    WasmKernels.prototype.allocate = function (this: WasmKernels, ...doubles: number[]) {
      calls.push(linalgBackend());
      return original.apply(this, doubles);
    };
    try {
      for (const backend of ["typescript", "wasm"] as const) {
        setLinalgBackend(backend);
        multiply(a, transposeMultiply(a, a));
        multiplyTransposed(a, a);
        transposeGram(a);
        congruence(a, transposeGram(a));
        symmetricEigenvalues(s, [a.data.subarray(0, 5)]);
        symmetricEigen(s);
      }
    } finally {
      WasmKernels.prototype.allocate = original;
    }
    assert.deepEqual(calls, Array(8).fill("wasm"));
  });

  it("falls back to TypeScript when a call's arrays do not fit in the kernels' memory", () => {
    const a = randomMatrix(40, 30, "fallback");
    const s = gram(a);
    setLinalgBackend("typescript");
    const expectedProduct = multiply(a, transposeMultiply(a, a));
    const expectedEigen = symmetricEigen(s);
    const original = WasmKernels.prototype.allocate;
    WasmKernels.prototype.allocate = () => undefined;
    try {
      setLinalgBackend("wasm");
      assert.deepEqual(multiply(a, transposeMultiply(a, a)), expectedProduct);
      assert.deepEqual(symmetricEigen(s), expectedEigen);
    } finally {
      WasmKernels.prototype.allocate = original;
    }
  });

  it("decodes the embedded module's base64 like Node's Buffer", () => {
    const bytes = Uint8Array.from({ length: 259 }, (_, i) => (i * 37 + 11) & 255);
    for (let len = 0; len < 7; len++) {
      const part = bytes.subarray(0, 250 + len);
      assert.deepEqual(decodeBase64(Buffer.from(part).toString("base64")), part);
    }
  });
});

// ---------------------------------------------------------------- products

/** (m, k, n): single entries, odd sizes, and sizes crossing the 4x4 tiles and the 128/256/1024 blocks. */
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [3, 5, 2],
  [4, 4, 4],
  [5, 1, 9],
  [17, 33, 13],
  [129, 257, 31],
  [130, 70, 131],
  [7, 3, 1030],
  [300, 300, 300],
];

describe("WebAssembly products agree with TypeScript to 1e-10", () => {
  for (const [m, k, n] of shapes) {
    it(`A B, A B^T, A^T B for ${m}x${k}x${n}`, () => {
      const a = randomMatrix(m, k, `a/${m}/${k}`);
      const b = randomMatrix(k, n, `b/${k}/${n}`);
      const bt = randomMatrix(n, k, `bt/${n}/${k}`);
      const at = randomMatrix(k, m, `at/${k}/${m}`);
      const [ab, abW] = both(() => multiply(a, b));
      assertMatrixClose(abW, ab, "A B");
      const [abt, abtW] = both(() => multiplyTransposed(a, bt));
      assertMatrixClose(abtW, abt, "A B^T");
      const [atb, atbW] = both(() => transposeMultiply(at, b));
      assertMatrixClose(atbW, atb, "A^T B");
    });

    it(`A A^T, A^T A and W S W^T for ${m}x${k}, exactly symmetric`, () => {
      const a = randomMatrix(m, k, `sym/${m}/${k}`);
      const [g, gW] = both(() => gram(a));
      assertMatrixClose(gW, g, "A A^T");
      assertExactlySymmetric(gW, "A A^T");
      const [tg, tgW] = both(() => transposeGram(a));
      assertMatrixClose(tgW, tg, "A^T A");
      assertExactlySymmetric(tgW, "A^T A");
      const s = randomSymmetric(k, `s/${k}`);
      const [c, cW] = both(() => congruence(a, s));
      assertMatrixClose(cW, c, "W S W^T");
      assertExactlySymmetric(cW, "W S W^T");
    });
  }

  it("a (W V)(W V)^T + b W W^T (a widening layer's congruence) equals the formed W Omega W^T, exactly symmetric", () => {
    for (const [k, m, n, a, b] of [[40, 30, 12, 0.7, 0.3], [300, 270, 130, 1.3, 2e-3], [25, 25, 25, 0.5, -1e-17], [9, 4, 0, 0.5, 0.2]] as const) {
      const w = randomMatrix(k, m, `fc/w/${k}`);
      const v = randomMatrix(m, n, `fc/v/${k}`);
      const [h, hW] = both(() => factoredCongruence(w, v, a, b));
      assertMatrixClose(hW, h, `factored congruence ${k}x${m}x${n}`);
      assertExactlySymmetric(hW, "factored congruence");
      // Against the definition: Omega = a V V^T + b I formed, then W Omega W^T.
      const vvt = multiplyTransposed(v, v);
      const omega = addDiagonal({ ...vvt, data: vvt.data.map((x) => a * x) }, b);
      const [formed] = both(() => congruence(w, omega));
      assertMatrixClose(hW, formed, `factored against formed ${k}x${m}x${n}`);
    }
  });

  it("structured operands: identity, zeros, a rank-one matrix and empty dimensions", () => {
    const a = randomMatrix(37, 37, "structured");
    assert.deepEqual(multiply(a, identity(37)), a);
    assert.ok(multiply(a, zeros(37, 5)).data.every((x) => x === 0));
    const u = randomMatrix(37, 1, "rank-one");
    const [r, rW] = both(() => multiplyTransposed(u, u));
    assertMatrixClose(rW, r, "u u^T");
    for (const [m, k, n] of [[0, 3, 2], [2, 0, 3], [3, 2, 0]]) {
      const [e, eW] = both(() => multiply(zeros(m, k), zeros(k, n)));
      assert.deepEqual(eW, e);
    }
    assert.deepEqual(gram(zeros(0, 4)), zeros(0, 0));
    assert.deepEqual(transposeGram(zeros(3, 0)), zeros(0, 0));
  });

  it("a large call after a small one and a small after a large (memory grows, views follow)", () => {
    for (const n of [3, 200, 5, 260, 2]) {
      const a = randomMatrix(n, n + 1, `grow/${n}`);
      const [g, gW] = both(() => gram(a));
      assertMatrixClose(gW, g, `gram ${n}`);
    }
  });
});

// ---------------------------------------------------------------- eigenproblems

/** Symmetric test matrices: random indefinite, repeated eigenvalues, diagonal, tridiagonal, zero. */
function eigenCases(): { name: string; a: Matrix }[] {
  const cases: { name: string; a: Matrix }[] = [];
  for (const n of [1, 2, 3, 5, 31, 32, 33, 34, 64, 65, 97, 160]) cases.push({ name: `random ${n}`, a: randomSymmetric(n, `eig/${n}`) });
  cases.push({ name: "B B^T + 2 I, rank 20 of 90", a: lowRankPlusShift(90, 20, 2, "lowrank") });
  cases.push({ name: "B B^T, rank 3 of 40 (zero eigenvalue x37)", a: lowRankPlusShift(40, 3, 0, "singular") });
  const diagonal = zeros(45, 45);
  for (let i = 0; i < 45; i++) diagonal.data[i * 46] = ((i * 7) % 11) - 5;
  cases.push({ name: "diagonal with repeats", a: diagonal });
  const tri = zeros(50, 50);
  for (let i = 0; i < 50; i++) {
    tri.data[i * 51] = 2;
    if (i > 0) tri.data[i * 50 + i - 1] = tri.data[(i - 1) * 50 + i] = -1;
  }
  cases.push({ name: "tridiagonal second difference", a: tri });
  cases.push({ name: "zero 6x6", a: zeros(6, 6) });
  cases.push({ name: "scaled by 1e150", a: { rows: 30, cols: 30, data: lowRankPlusShift(30, 30, 0, "huge").data.map((x) => x * 1e150) } });
  cases.push({ name: "random 300", a: randomSymmetric(300, "eig/300") });
  return cases;
}

describe("WebAssembly eigenproblems agree with TypeScript to 1e-10", () => {
  for (const { name, a } of eigenCases()) {
    it(`eigenvalues and projections: ${name}`, () => {
      const n = a.rows;
      const v = randomMatrix(1, n, `v/${name}`).data;
      const ones = new Float64Array(n).fill(1);
      const vectors = [v, ones, v.map((x) => x * x)];
      const [t, w] = both(() => symmetricEigenvalues(a, vectors));
      assertEigenvaluesResultClose(w, t, vectors, name);
      const [tn, wn] = both(() => symmetricEigenvalues(a));
      assertValuesClose(wn.values, tn.values, `${name}, no vectors`);
      assert.deepEqual(wn.values, w.values, `${name}: the vectors do not change the eigenvalues`);
    });

    it(`full eigendecomposition: ${name}`, () => {
      const [t, w] = both(() => symmetricEigen(a));
      assertValuesClose(w.values, t.values, name);
      assertEigendecomposition(a, w, name);
      // Columns of separated eigenvalues are determined up to sign.
      const n = a.rows;
      const gap = 1e-3 * Math.max(1, largestMagnitude(t.values));
      for (let j = 0; j < n; j++) {
        if ((j > 0 && t.values[j] - t.values[j - 1] < gap) || (j + 1 < n && t.values[j + 1] - t.values[j] < gap)) continue;
        let dotProduct = 0;
        for (let i = 0; i < n; i++) dotProduct += w.vectors.data[i * n + j] * t.vectors.data[i * n + j];
        const sign = dotProduct < 0 ? -1 : 1;
        for (let i = 0; i < n; i++) {
          const x = w.vectors.data[i * n + j];
          const y = sign * t.vectors.data[i * n + j];
          assert.ok(Math.abs(x - y) <= TOL, `${name}: eigenvector ${j}, entry ${i}: ${x} vs ${y}`);
        }
      }
    });
  }

  it("eigenvalues and projections of order 600 (the reduction's product split in parts from 512 on)", () => {
    const a = lowRankPlusShift(600, 400, 0.25, "eig/600");
    const v = randomMatrix(1, 600, "v/600").data;
    const [t, w] = both(() => symmetricEigenvalues(a, [v]));
    assertEigenvaluesResultClose(w, t, [v], "order 600");
  });

  it("only the lower triangle is read, and the input is not modified", () => {
    const a = randomSymmetric(70, "lower");
    const garbled = { rows: 70, cols: 70, data: Float64Array.from(a.data) };
    for (let i = 0; i < 70; i++) for (let j = i + 1; j < 70; j++) garbled.data[i * 70 + j] = 1e6 * (i - j);
    const copy = Float64Array.from(garbled.data);
    setLinalgBackend("wasm");
    const v = randomMatrix(1, 70, "lower/v").data;
    assert.deepEqual(symmetricEigenvalues(garbled, [v]), symmetricEigenvalues(a, [v]));
    assert.deepEqual(symmetricEigen(garbled), symmetricEigen(a));
    assert.deepEqual(garbled.data, copy);
  });

  it("psdSquareRoot (which uses the dispatched kernels) agrees", () => {
    const s = lowRankPlusShift(120, 120, 0.5, "psd");
    const [r, rW] = both(() => psdSquareRoot(s));
    assertMatrixClose(rW, r, "S^(1/2)");
    assertExactlySymmetric(rW, "S^(1/2)");
  });
});

// ---------------------------------------------------------------- tridiagonal form

/** The tridiagonal matrix T of a form, dense. */
function tridiagonalMatrix(form: TridiagonalForm): Matrix {
  const n = form.diagonal.length;
  const t = zeros(n, n);
  for (let i = 0; i < n; i++) {
    t.data[i * n + i] = form.diagonal[i];
    if (i > 0) t.data[i * n + i - 1] = t.data[(i - 1) * n + i] = form.offDiagonal[i];
  }
  return t;
}

/** Q^T Q = I and Q T Q^T = A to 1e-10, relative to max(1, max |A_ij|) for the latter. */
function assertTridiagonalForm(a: Matrix, form: TridiagonalForm, what: string): void {
  const n = a.rows;
  assert.equal(form.diagonal.length, n, `${what}: diagonal length`);
  assert.equal(form.offDiagonal.length, n, `${what}: off-diagonal length`);
  assert.deepEqual([form.qTransposed.rows, form.qTransposed.cols], [n, n], `${what}: Q^T shape`);
  if (n > 0) assert.equal(form.offDiagonal[0], 0, `${what}: offDiagonal[0]`);
  const qtq = multiplyTransposed(form.qTransposed, form.qTransposed);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(qtq.data[i * n + j] - (i === j ? 1 : 0)) <= TOL, `${what}: Q^T Q entry (${i}, ${j}) = ${qtq.data[i * n + j]}`);
    }
  }
  const reconstructed = congruence(transpose(form.qTransposed), tridiagonalMatrix(form));
  const scale = Math.max(1, largestMagnitude(a.data));
  for (let i = 0; i < n * n; i++) {
    assert.ok(Math.abs(reconstructed.data[i] - a.data[i]) <= TOL * scale, `${what}: Q T Q^T entry ${i}: ${reconstructed.data[i]} vs ${a.data[i]}`);
  }
}

describe("symmetric tridiagonal form A = Q T Q^T on both backends", () => {
  for (const n of [1, 2, 3, 17, 64, 130, 300]) {
    it(`random symmetric ${n}`, () => {
      const a = randomSymmetric(n, `tridiagonal/${n}`);
      const copy = Float64Array.from(a.data);
      const [t, w] = both(() => symmetricTridiagonalForm(a));
      assert.deepEqual(a.data, copy, "the input is not modified");
      assertTridiagonalForm(a, t, `TypeScript, ${n}`);
      assertTridiagonalForm(a, w, `WebAssembly, ${n}`);
      // T is determined up to the signs of Q's columns: compare the spectra of both T.
      setLinalgBackend("typescript");
      const tValues = symmetricEigenvalues(tridiagonalMatrix(t)).values;
      const wValues = symmetricEigenvalues(tridiagonalMatrix(w)).values;
      assertValuesClose(wValues, tValues, `eigenvalues of T, ${n}`);
      assertValuesClose(tValues, symmetricEigenvalues(a).values, `eigenvalues of T and of A, ${n}`);
    });
  }

  it("reads only the lower triangle, and handles a zero and an already tridiagonal matrix", () => {
    const a = randomSymmetric(40, "tridiagonal/lower");
    const garbled = { rows: 40, cols: 40, data: Float64Array.from(a.data) };
    for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) garbled.data[i * 40 + j] = 1e6 * (i - j);
    const [t, w] = both(() => symmetricTridiagonalForm(garbled));
    assertTridiagonalForm(a, t, "TypeScript, upper triangle garbled");
    assertTridiagonalForm(a, w, "WebAssembly, upper triangle garbled");
    for (const special of [zeros(7, 7), identity(9)]) {
      const [ts, ws] = both(() => symmetricTridiagonalForm(special));
      assertTridiagonalForm(special, ts, `TypeScript, ${special.rows}x${special.rows} special`);
      assertTridiagonalForm(special, ws, `WebAssembly, ${special.rows}x${special.rows} special`);
    }
    const empty = both(() => symmetricTridiagonalForm(zeros(0, 0)));
    for (const form of empty) assert.deepEqual([form.diagonal.length, form.qTransposed.data.length], [0, 0]);
  });
});

// ---------------------------------------------------------------- kernel-level checks

describe("WebAssembly QL kernel", () => {
  /** Runs the wasm tridiagonalisation and QL with the given log capacity and sweep cap. */
  function runQL(a: Matrix, v: Float64Array, capacity: number, maxSweeps: number): { d: Float64Array; r: Float64Array; converged: number } {
    const kernels = new WasmKernels(kernelsModule());
    const k = kernels.exports;
    const n = a.rows;
    const work = Math.max(k.tridiagonaliseWorkDoubles(n), k.qlWorkDoubles(n, capacity));
    const [pa, pd, pe, ptau, pr, pw] = kernels.allocate(n * n, n, n, n, n, work) as number[];
    kernels.write(pa, a.data);
    kernels.write(pr, v);
    k.tridiagonalise(n, pa, pd, pe, ptau, pw);
    k.applyReflectors(n, pa, ptau, pr, 1);
    const converged = k.ql(n, pd, pe, pr, 1, 0, maxSweeps, capacity, pw);
    return { d: kernels.read(pd, n), r: kernels.read(pr, n), converged };
  }

  it("gives the same result whatever the rotation log's capacity (flushes mid-sweep)", () => {
    const a = randomSymmetric(60, "flush");
    const v = randomMatrix(1, 60, "flush/v").data;
    const reference = runQL(a, v, 1 << 16, 60);
    for (const capacity of [1, 2, 7, 100]) {
      const result = runQL(a, v, capacity, 60);
      assert.equal(result.converged, 1);
      assert.deepEqual(result.d, reference.d, `capacity ${capacity}: eigenvalues`);
      assert.deepEqual(result.r, reference.r, `capacity ${capacity}: projections`);
    }
  });

  it("reports non-convergence when the sweep cap is hit", () => {
    const a = randomSymmetric(40, "cap");
    assert.equal(runQL(a, new Float64Array(40), 16, 0).converged, 0);
    assert.equal(runQL(a, new Float64Array(40), 16, 60).converged, 1);
  });
});

// ---------------------------------------------------------------- helper threads

describe("kernels shared with a helper thread", () => {
  it("give bit-identical results: products, the reduction's updates, eigenvector rotations", async () => {
    // Shapes past the 256 x 256 tiles, so that several tiles (and tiles straddling the diagonal of
    // the symmetric results) are shared out; p = 300 is enough for the eigenvector rotations and
    // the reflector products to be shared, p = 800 for the reduction's symmetric products.
    const a = randomMatrix(600, 130, "threads/a");
    const b = randomMatrix(130, 530, "threads/b");
    const s = randomSymmetric(130, "threads/s");
    const e = randomSymmetric(300, "threads/e");
    const big = randomSymmetric(800, "threads/big");
    const v = randomMatrix(1, 800, "threads/v").data;
    const run = () => {
      const full = symmetricEigen(e);
      const partial = symmetricEigenvalues(big, [v]);
      const row = (data: Float64Array): Matrix => ({ rows: 1, cols: data.length, data });
      return [multiply(a, b), gram(a), transposeGram(b), congruence(a, s), multiplyTransposed(a, a), full.vectors, row(full.values), row(partial.values), row(partial.projections[0])];
    };
    const alone = run();
    const threads = startKernelThreads(1);
    try {
      assert.equal(threads.count, 1);
      await threads.ready();
      // Tiles are claimed dynamically: on a busy machine the helper may get none in one run.
      for (let attempt = 0; attempt < 20 && kernelHelperParts() === 0; attempt++) {
        const shared = run();
        shared.forEach((m, i) => assert.deepEqual(m, alone[i], `product ${i}`));
        for (const m of shared.slice(1, 4)) assertExactlySymmetric(m, "shared symmetric product");
      }
      assert.ok(kernelHelperParts() > 0, "the helper thread took part");
    } finally {
      await threads.stop();
    }
    // Detached: the thread alone again.
    run().forEach((m, i) => assert.deepEqual(m, alone[i], `product ${i} after stop`));
  });

  it("leave a prediction unchanged (three layers, every kernel shared)", async () => {
    const files = {
      "/spec.rainbow.json": experimentText({
        input: { dimension: 200 },
        student: { layers: [{ width: 300, activation: "tanh" }, { width: 250, activation: "relu" }, { width: 250, activation: "erf" }] },
        ridge: { lambda: [1e-3, "optimal"] },
        samples: { n: [100, 400] },
      }),
    };
    const run = () => predict(files["/spec.rainbow.json"], "/spec.rainbow.json", memoryHost(files));
    const alone = run();
    const threads = startKernelThreads(1);
    try {
      await threads.ready();
      assert.deepEqual(run(), alone);
    } finally {
      await threads.stop();
    }
  });
});
