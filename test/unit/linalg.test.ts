/**
 * Dense linear algebra kernels (server/src/core/linalg) against naive loops, ml-matrix as an
 * independent implementation, closed forms and invariants. Tolerances are relative:
 * |a - b| <= tol * max(1, |a|, |b|) entrywise unless stated otherwise.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EigenvalueDecomposition, Matrix as MlMatrix, solve as mlSolve } from "ml-matrix";
import { Random } from "../../server/src/core/rng";
import { Matrix, zeros } from "../../server/src/core/linalg/matrix";
import { fromRows, get, identity } from "../support/matrices";
import {
  addDiagonal,
  congruence,
  gram,
  matVec,
  multiply,
  multiplyTransposed,
  scaleColumns,
  scaleRows,
  transpose,
  transposeGram,
  transposeMatVec,
  transposeMultiply,
} from "../../server/src/core/linalg/products";
import { psdSquareRoot, symmetricEigen, symmetricEigenvalues } from "../../server/src/core/linalg/eigen";
import { choleskyFactor, choleskySolve } from "../../server/src/core/linalg/cholesky";
import { implicitQL } from "../../server/src/core/linalg/tridiagonalQL";

// ---------------------------------------------------------------- helpers

function randomMatrix(rows: number, cols: number, label: string): Matrix {
  const rng = Random.stream(20240607, label);
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function randomVector(n: number, label: string): Float64Array {
  const rng = Random.stream(20240607, label);
  return Float64Array.from({ length: n }, () => rng.normal());
}

function randomSymmetric(n: number, label: string): Matrix {
  const a = randomMatrix(n, n, label);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[j * n + i] = a.data[i * n + j];
  return a;
}

/** B B^T + shift I for a random n x rank B: positive semi-definite, definite if shift > 0. */
function lowRankPlusShift(n: number, rank: number, shift: number, label: string): Matrix {
  return addDiagonal(multiplyTransposed(randomMatrix(n, rank, label), randomMatrix(n, rank, label)), shift);
}

/** The textbook triple loop: c_ij = sum_k a_ik b_kj, summed in order. */
function naiveProduct(a: Matrix, b: Matrix): Matrix {
  const c = zeros(a.rows, b.cols);
  const [m, kk, n] = [a.rows, a.cols, b.cols];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < kk; k++) s += a.data[i * kk + k] * b.data[k * n + j];
      c.data[i * n + j] = s;
    }
  }
  return c;
}

function naiveTranspose(a: Matrix): Matrix {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = get(a, i, j);
  return t;
}

function toMl(a: Matrix): MlMatrix {
  return MlMatrix.from1DArray(a.rows, a.cols, Array.from(a.data));
}

function fromMl(m: MlMatrix): Matrix {
  return { rows: m.rows, cols: m.columns, data: Float64Array.from(m.to1DArray()) };
}

function assertClose(actual: number, expected: number, tol: number, what: string): void {
  const bound = tol * Math.max(1, Math.abs(actual), Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= bound, `${what}: ${actual} vs ${expected} (tolerance ${bound})`);
}

function assertArrayClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assertClose(actual[i], expected[i], tol, `${what}[${i}]`);
}

function assertMatrixClose(actual: Matrix, expected: Matrix, tol: number, what: string): void {
  assert.deepEqual([actual.rows, actual.cols], [expected.rows, expected.cols], `${what}: shape`);
  assertArrayClose(actual.data, expected.data, tol, what);
}

/** Entrywise bound tol * max(1, max |entry of scaleOf|), for results whose error scales with a norm. */
function assertMatrixNear(actual: Matrix, expected: Matrix, tol: number, scaleOf: Matrix, what: string): void {
  let big = 1;
  for (const x of scaleOf.data) big = Math.max(big, Math.abs(x));
  assert.deepEqual([actual.rows, actual.cols], [expected.rows, expected.cols], `${what}: shape`);
  for (let i = 0; i < actual.data.length; i++) {
    const err = Math.abs(actual.data[i] - expected.data[i]);
    assert.ok(err <= tol * big, `${what}: entry ${i} off by ${err} (bound ${tol * big})`);
  }
}

function assertExactlySymmetric(a: Matrix, what: string): void {
  assert.equal(a.rows, a.cols, `${what}: square`);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < i; j++) {
      assert.ok(Object.is(get(a, i, j), get(a, j, i)), `${what}: (${i}, ${j}) = ${get(a, i, j)} but (${j}, ${i}) = ${get(a, j, i)}`);
    }
  }
}

function mlEigenvalues(a: Matrix): Float64Array {
  const evd = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
  return Float64Array.from(evd.realEigenvalues).sort();
}

/** The random symmetric test matrices of each size, shared by several suites, with ml-matrix's spectrum. */
const sharedSymmetric = new Map<number, { a: Matrix; expected: Float64Array }>();
function symmetricCase(n: number): { a: Matrix; expected: Float64Array } {
  let entry = sharedSymmetric.get(n);
  if (entry === undefined) {
    const a = randomSymmetric(n, `symmetric/${n}`);
    entry = { a, expected: mlEigenvalues(a) };
    sharedSymmetric.set(n, entry);
  }
  return entry;
}

function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

function maxAbs(a: Matrix): number {
  let m = 0;
  for (const x of a.data) m = Math.max(m, Math.abs(x));
  return m;
}

// ---------------------------------------------------------------- products

/** Shapes (m, k, n) including single entries, odd sizes and sizes crossing the 256/128/1024 blocks. */
const productShapes: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [4, 4, 4],
  [5, 3, 1],
  [1, 9, 6],
  [65, 130, 33],
  [131, 300, 9],
  [6, 257, 1029],
];

describe("general products", () => {
  for (const [m, k, n] of productShapes) {
    it(`multiply ${m}x${k} by ${k}x${n} matches a triple loop and ml-matrix to 1e-12`, () => {
      const a = randomMatrix(m, k, `mul/a/${m}/${k}/${n}`);
      const b = randomMatrix(k, n, `mul/b/${m}/${k}/${n}`);
      const c = multiply(a, b);
      assertMatrixClose(c, naiveProduct(a, b), 1e-12, "A B vs loop");
      if (m * k * n < 2e6) assertMatrixClose(c, fromMl(toMl(a).mmul(toMl(b))), 1e-12, "A B vs ml-matrix");
    });
    it(`multiplyTransposed and transposeMultiply for ${m}x${k}x${n} match the transposed triple loop to 1e-12`, () => {
      const a = randomMatrix(m, k, `mulT/a/${m}/${k}/${n}`);
      const bt = randomMatrix(n, k, `mulT/b/${m}/${k}/${n}`);
      assertMatrixClose(multiplyTransposed(a, bt), naiveProduct(a, naiveTranspose(bt)), 1e-12, "A B^T");
      const at = randomMatrix(k, m, `Tmul/a/${m}/${k}/${n}`);
      const b = randomMatrix(k, n, `Tmul/b/${m}/${k}/${n}`);
      assertMatrixClose(transposeMultiply(at, b), naiveProduct(naiveTranspose(at), b), 1e-12, "A^T B");
    });
  }

  it("handles empty dimensions: an empty inner dimension gives zeros", () => {
    assert.deepEqual(multiply(zeros(0, 3), zeros(3, 2)), zeros(0, 2));
    const c = multiply(zeros(2, 0), zeros(0, 3));
    assert.deepEqual([c.rows, c.cols], [2, 3]);
    assert.ok(c.data.every((x) => x === 0));
    assert.deepEqual(gram(zeros(0, 4)), zeros(0, 0));
  });

  it("rejects incompatible shapes with a RangeError", () => {
    assert.throws(() => multiply(zeros(2, 3), zeros(2, 3)), RangeError);
    assert.throws(() => multiplyTransposed(zeros(2, 3), zeros(2, 4)), RangeError);
    assert.throws(() => transposeMultiply(zeros(2, 3), zeros(3, 3)), RangeError);
    assert.throws(() => congruence(zeros(2, 3), zeros(2, 2)), RangeError);
  });

  it("A I = A exactly", () => {
    const a = randomMatrix(9, 9, "identity");
    assert.deepEqual(multiply(a, identity(9)), a);
  });
});

describe("symmetric products", () => {
  const cases: [number, number][] = [
    [1, 1],
    [3, 5],
    [7, 13],
    [65, 130],
    [133, 70],
    [40, 300],
    [1030, 3], // the result spans two 1024-column panels
  ];
  for (const [m, p] of cases) {
    it(`congruence W S W^T for W ${m}x${p} matches the loop to 1e-12 and is exactly symmetric`, () => {
      const w = randomMatrix(m, p, `cong/w/${m}/${p}`);
      const s = randomSymmetric(p, `cong/s/${m}/${p}`);
      const c = congruence(w, s);
      assertExactlySymmetric(c, "W S W^T");
      // Error of a length-p^2 sum of products of unit normals: relative to sqrt-scaled magnitudes.
      assertMatrixNear(c, naiveProduct(naiveProduct(w, s), naiveTranspose(w)), 1e-12 * p, c, "W S W^T");
    });
    it(`gram and transposeGram of ${m}x${p} match the loop to 1e-12 and are exactly symmetric`, () => {
      const a = randomMatrix(m, p, `gram/${m}/${p}`);
      const g = gram(a);
      assertExactlySymmetric(g, "A A^T");
      assertMatrixClose(g, naiveProduct(a, naiveTranspose(a)), 1e-12, "A A^T");
      const h = transposeGram(a);
      assertExactlySymmetric(h, "A^T A");
      assertMatrixClose(h, naiveProduct(naiveTranspose(a), a), 1e-12, "A^T A");
    });
  }
});

describe("vector and elementwise helpers", () => {
  const a = randomMatrix(7, 5, "helpers/a");
  const sq = randomMatrix(5, 5, "helpers/sq");

  it("transpose on a shape larger than its 32x32 tiles", () => {
    const big = randomMatrix(45, 70, "helpers/big");
    assert.deepEqual(transpose(big), naiveTranspose(big));
    assert.deepEqual(transpose(a), naiveTranspose(a));
  });

  it("matVec and transposeMatVec match the product with a one-column matrix to 1e-13", () => {
    const x = randomVector(5, "helpers/x");
    const y = randomVector(7, "helpers/y");
    assertArrayClose(matVec(a, x), multiply(a, { rows: 5, cols: 1, data: x }).data, 1e-13, "A x");
    assertArrayClose(transposeMatVec(a, y), naiveProduct(naiveTranspose(a), { rows: 7, cols: 1, data: y }).data, 1e-13, "A^T y");
    assert.throws(() => matVec(a, y), RangeError);
    assert.throws(() => transposeMatVec(a, x), RangeError);
  });

  it("addDiagonal, scaleRows, scaleColumns (exact)", () => {
    const shifted = addDiagonal(sq, 3);
    const byVector = addDiagonal(sq, Float64Array.from([1, 2, 3, 4, 5]));
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        assert.equal(get(shifted, i, j), get(sq, i, j) + (i === j ? 3 : 0));
        assert.equal(get(byVector, i, j), get(sq, i, j) + (i === j ? i + 1 : 0));
      }
    }
    assert.notEqual(shifted.data, sq.data, "addDiagonal returns a new matrix");
    const d7 = randomVector(7, "helpers/d7");
    const d5 = randomVector(5, "helpers/d5");
    const rows = scaleRows(a, d7);
    const cols = scaleColumns(a, d5);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 5; j++) {
        assert.equal(get(rows, i, j), d7[i] * get(a, i, j));
        assert.equal(get(cols, i, j), get(a, i, j) * d5[j]);
      }
    }
    assert.throws(() => addDiagonal(a, 1), RangeError);
    assert.throws(() => scaleRows(a, d5), RangeError);
  });
});

// ---------------------------------------------------------------- eigenvalues

describe("symmetricEigenvalues", () => {
  for (const n of [1, 2, 3, 10, 64, 200]) {
    it(`random symmetric ${n}x${n}: values match ml-matrix to 1e-10, ascending, projections keep |v|^2 to 1e-12`, () => {
      const { a, expected } = symmetricCase(n);
      const before = Float64Array.from(a.data);
      const v = randomVector(n, `eig/v/${n}`);
      const { values, projections, converged } = symmetricEigenvalues(a, [v]);
      assert.ok(converged);
      assert.deepEqual(a.data, before, "input not modified");
      // Eigenvalue errors scale with the matrix norm (about 2 sqrt(n) for unit normal entries).
      const norm = 2 * Math.sqrt(n) + 1;
      for (let j = 0; j < n; j++) assertClose(values[j] / norm, expected[j] / norm, 1e-10, `lambda_${j}`);
      for (let j = 1; j < n; j++) assert.ok(values[j - 1] <= values[j], "ascending");
      assert.equal(projections.length, 1);
      assertClose(norm2(projections[0]), norm2(v), 1e-12, "sum of squared projections");
    });
  }

  it("2x2 closed form (a+c)/2 -+ sqrt(((a-c)/2)^2 + b^2) to 1e-14, and the eigenvector projections", () => {
    const [a, b, c] = [2.5, -1.25, -0.75];
    const { values, projections } = symmetricEigenvalues(fromRows([[a, b], [b, c]]), [Float64Array.from([1, 0])]);
    const mid = (a + c) / 2;
    const rad = Math.hypot((a - c) / 2, b);
    assertClose(values[0], mid - rad, 1e-14, "smaller");
    assertClose(values[1], mid + rad, 1e-14, "larger");
    // Eigenvector of lambda is proportional to (b, lambda - a); its first component squared is the projection of e_1.
    for (let j = 0; j < 2; j++) {
      const lambda = values[j];
      const expected = (b * b) / (b * b + (lambda - a) ** 2);
      assertClose(projections[0][j] ** 2, expected, 1e-13, `projection on eigenvector ${j}`);
    }
  });

  it("diagonal matrix: sorted diagonal, projections are the permuted coordinates", () => {
    const diag = [3, -1, 7, 0.5, -4, 2];
    const n = diag.length;
    const a = zeros(n, n);
    diag.forEach((x, i) => (a.data[i * n + i] = x));
    const v = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const { values, projections } = symmetricEigenvalues(a, [v]);
    const order = diag.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    assert.deepEqual(Array.from(values), order.map(([x]) => x));
    assert.deepEqual(Array.from(projections[0], Math.abs), order.map(([, i]) => v[i]));
  });

  it("repeated eigenvalues: identity and low rank + identity (1e-12)", () => {
    const n = 50;
    const v = randomVector(n, "rep/v");
    const id = symmetricEigenvalues(identity(n), [v]);
    assert.ok(id.values.every((x) => x === 1));
    assertClose(norm2(id.projections[0]), norm2(v), 1e-12, "identity keeps |v|^2");

    const b = randomMatrix(n, 2, "rep/b");
    const a = addDiagonal(gram(b), 1);
    const { values, projections, converged } = symmetricEigenvalues(a, [v]);
    assert.ok(converged);
    // Eigenvalues: 1 with multiplicity n - 2, and 1 + the eigenvalues of the 2x2 matrix B^T B.
    const small = symmetricEigenvalues(transposeGram(b)).values;
    for (let j = 0; j < n - 2; j++) assertClose(values[j], 1, 1e-12, `lambda_${j}`);
    assertClose(values[n - 2], 1 + small[0], 1e-12, "second largest");
    assertClose(values[n - 1], 1 + small[1], 1e-12, "largest");
    assertClose(norm2(projections[0]), norm2(v), 1e-12, "sum of squared projections");
  });

  it("several vectors at once agree with U^T v from the full decomposition, squared, to 1e-10", () => {
    const n = 40;
    const a = randomSymmetric(n, "proj/a");
    const vs = Array.from({ length: 11 }, (_, k) => randomVector(n, `proj/v/${k}`));
    const { values, projections } = symmetricEigenvalues(a, vs);
    const full = symmetricEigen(a);
    assertArrayClose(values, full.values, 1e-12, "values agree");
    vs.forEach((v, k) => {
      const utv = transposeMatVec(full.vectors, v);
      assertArrayClose(
        projections[k].map((x) => x * x),
        utv.map((x) => x * x),
        1e-10,
        `squared projections of vector ${k}`,
      );
    });
  });

  it("block-diagonal input (rows already reduced midway) gives the union of the blocks' spectra", () => {
    // Blocks {0, 1}, {2..5} and {6}: the reduction meets rows that need no reflector.
    const blocks = [randomSymmetric(2, "block/1"), randomSymmetric(4, "block/2"), fromRows([[0.75]])];
    const n = 7;
    const a = zeros(n, n);
    let at = 0;
    for (const b of blocks) {
      for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.rows; j++) a.data[(at + i) * n + at + j] = get(b, i, j);
      at += b.rows;
    }
    const expected = Float64Array.from(blocks.flatMap((b) => Array.from(mlEigenvalues(b)))).sort();
    const v = randomVector(n, "block/v");
    const { values, projections } = symmetricEigenvalues(a, [v]);
    assertArrayClose(values, expected, 1e-12, "eigenvalues");
    assertClose(norm2(projections[0]), norm2(v), 1e-12, "sum of squared projections");
    const full = symmetricEigen(a);
    assertArrayClose(full.values, expected, 1e-12, "symmetricEigen values");
    assertMatrixNear(multiplyTransposed(scaleColumns(full.vectors, full.values), full.vectors), a, 1e-12, a, "U diag U^T");
  });

  it("reads only the lower triangle", () => {
    const a = randomSymmetric(12, "lower");
    const garbage = Float64Array.from(a.data);
    for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) garbage[i * 12 + j] = 1e3 * (i - j);
    const v = randomVector(12, "lower/v");
    assert.deepEqual(symmetricEigenvalues({ rows: 12, cols: 12, data: garbage }, [v]), symmetricEigenvalues(a, [v]));
  });

  it("zero and empty matrices; rejects non-square, wrong vector length and non-finite entries", () => {
    assert.deepEqual(Array.from(symmetricEigenvalues(zeros(4, 4)).values), [0, 0, 0, 0]);
    const empty = symmetricEigenvalues(zeros(0, 0), [new Float64Array(0)]);
    assert.equal(empty.values.length, 0);
    assert.ok(empty.converged);
    assert.throws(() => symmetricEigenvalues(zeros(2, 3)), RangeError);
    assert.throws(() => symmetricEigenvalues(zeros(3, 3), [new Float64Array(2)]), RangeError);
    assert.throws(() => symmetricEigenvalues(fromRows([[1, 0], [NaN, 1]])), /not finite/);
  });
});

describe("implicit QL", () => {
  /** Random tridiagonal (d, e) with e[0] unused, and R = I as the matrix the rotations act on. */
  function tridiagonal(n: number): { d: Float64Array; e: Float64Array } {
    const d = randomVector(n, "ql/d");
    const e = randomVector(n, "ql/e");
    e[0] = 0;
    return { d, e };
  }

  it("gives the same result when the rotation log is flushed mid-sweep (capacity 7)", () => {
    const n = 30;
    const q = 11; // one slice of eight columns plus three single columns
    const run = (logCapacity?: number) => {
      const { d, e } = tridiagonal(n);
      const r = Float64Array.from(randomMatrix(n, q, "ql/r").data);
      const converged = implicitQL(d, e, n, r, q, logCapacity === undefined ? {} : { logCapacity });
      return { converged, d, r };
    };
    const whole = run();
    const flushed = run(7);
    assert.ok(whole.converged && flushed.converged);
    assert.deepEqual(flushed.d, whole.d);
    assertArrayClose(flushed.r, whole.r, 1e-14, "rotated rows");
  });

  it("stops with converged = false at the sweep cap instead of looping", () => {
    const n = 20;
    const { d, e } = tridiagonal(n);
    assert.equal(implicitQL(d, e, n, new Float64Array(0), 0, { maxSweepsPerEigenvalue: 1 }), false);
  });
});

describe("symmetricEigen", () => {
  function checkDecomposition(a: Matrix, what: string): Float64Array {
    const n = a.rows;
    const { values, vectors, converged } = symmetricEigen(a);
    assert.ok(converged, `${what}: converged`);
    for (let j = 1; j < n; j++) assert.ok(values[j - 1] <= values[j], `${what}: ascending`);
    // U^T U = I and U diag U^T = A, entrywise to 1e-10 (relative to max |A_ij| for the latter).
    assertMatrixNear(transposeGram(vectors), identity(n), 1e-10, identity(1), `${what}: U^T U`);
    assertMatrixNear(multiplyTransposed(scaleColumns(vectors, values), vectors), a, 1e-10, a, `${what}: U diag U^T`);
    return values;
  }

  for (const n of [1, 2, 3, 10, 64, 200]) {
    it(`random symmetric ${n}x${n}: orthogonal, reconstructs A, values match ml-matrix (1e-10)`, () => {
      const { a, expected } = symmetricCase(n);
      const values = checkDecomposition(a, `n = ${n}`);
      const norm = 2 * Math.sqrt(n) + 1;
      values.forEach((x, j) => assertClose(x / norm, expected[j] / norm, 1e-10, `lambda_${j}`));
    });
  }

  it("repeated and diagonal spectra: identity, low rank + identity, diagonal", () => {
    checkDecomposition(identity(20), "identity");
    checkDecomposition(lowRankPlusShift(60, 3, 1, "full/lowrank"), "low rank + identity");
    const d = zeros(5, 5);
    [4, -2, 4, 0, 1].forEach((x, i) => (d.data[i * 5 + i] = x));
    checkDecomposition(d, "diagonal");
    assert.deepEqual(Array.from(symmetricEigen(d).values), [-2, 0, 1, 4, 4]);
  });

  it("eigenvectors satisfy A u = lambda u to 1e-10 for a 100x100 matrix", () => {
    const a = randomSymmetric(100, "full/Au");
    const { values, vectors } = symmetricEigen(a);
    const au = multiply(a, vectors);
    assertMatrixNear(au, scaleColumns(vectors, values), 1e-10, a, "A U = U diag");
  });
});

// ---------------------------------------------------------------- square root, inverse, Cholesky

describe("psdSquareRoot", () => {
  it("S S = A to 1e-10 and S exactly symmetric, for definite and rank-deficient A", () => {
    for (const [n, rank, shift] of [
      [30, 30, 0.5],
      [40, 5, 0],
      [1, 1, 0],
    ]) {
      const a = lowRankPlusShift(n, rank, shift, `sqrt/${n}/${rank}`);
      const s = psdSquareRoot(a);
      assertExactlySymmetric(s, "sqrt");
      assertMatrixNear(multiply(s, s), a, 1e-10, a, `sqrt(A)^2, n = ${n}, rank ${rank}`);
      // S is itself positive semi-definite.
      const smallest = symmetricEigenvalues(s).values[0];
      assert.ok(smallest >= -1e-10 * maxAbs(s), `sqrt has eigenvalue ${smallest}`);
    }
  });

  it("clips rounding-level negative eigenvalues: sqrt(diag(4, -1e-14, 9)) = diag(2, 0, 3)", () => {
    const s = psdSquareRoot(fromRows([[4, 0, 0], [0, -1e-14, 0], [0, 0, 9]]));
    assertArrayClose(s.data, [2, 0, 0, 0, 0, 0, 0, 0, 3], 1e-15, "square root");
    assert.equal(get(s, 1, 1), 0, "the clipped eigenvalue contributes exactly zero");
  });

  it("throws a clear Error for a clearly indefinite matrix", () => {
    assert.throws(() => psdSquareRoot(fromRows([[1, 2], [2, 1]])), /not positive semi-definite/);
  });
});

describe("Cholesky", () => {
  it("L is lower triangular with positive diagonal and L L^T = A to 1e-12", () => {
    const a = lowRankPlusShift(40, 40, 1, "chol");
    const l = choleskyFactor(a);
    assert.ok(l !== undefined);
    for (let i = 0; i < 40; i++) {
      assert.ok(get(l, i, i) > 0);
      for (let j = i + 1; j < 40; j++) assert.equal(get(l, i, j), 0);
    }
    assertMatrixNear(gram(l), a, 1e-12, a, "L L^T");
  });

  it("solves vectors and matrices with residual |A x - b| <= 1e-10 max(1, |b|)", () => {
    const a = lowRankPlusShift(60, 30, 0.1, "chol/solve");
    const l = choleskyFactor(a);
    assert.ok(l !== undefined);
    const b = randomVector(60, "chol/b");
    const x = choleskySolve(l, b);
    assert.ok(x instanceof Float64Array);
    assertArrayClose(matVec(a, x), b, 1e-10, "A x = b");
    const bm = randomMatrix(60, 7, "chol/B");
    const xm = choleskySolve(l, bm);
    assertMatrixClose(multiply(a, xm), bm, 1e-10, "A X = B");
    assert.throws(() => choleskySolve(l, new Float64Array(5)), RangeError);
  });

  it("ridge normal equations (F^T F + lambda I) w = F^T y agree with ml-matrix to 1e-10", () => {
    const f = randomMatrix(80, 25, "ridge/F");
    const y = randomVector(80, "ridge/y");
    const lambda = 0.01;
    const lhs = addDiagonal(transposeGram(f), lambda);
    const rhs = transposeMatVec(f, y);
    const l = choleskyFactor(lhs);
    assert.ok(l !== undefined);
    const w = choleskySolve(l, rhs);
    const expected = mlSolve(toMl(lhs), MlMatrix.columnVector(Array.from(rhs))).to1DArray();
    assertArrayClose(w, expected, 1e-10, "ridge weights");
  });

  it("returns undefined for indefinite, singular or non-finite matrices", () => {
    assert.equal(choleskyFactor(fromRows([[1, 2], [2, 1]])), undefined);
    assert.equal(choleskyFactor(fromRows([[1, 1], [1, 1]])), undefined);
    assert.equal(choleskyFactor(fromRows([[NaN, 0], [0, 1]])), undefined);
    assert.throws(() => choleskyFactor(zeros(2, 3)), RangeError);
  });
});
