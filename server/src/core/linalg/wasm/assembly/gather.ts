/**
 * out[k][j] = y[order[j]][k] for n x n row-major y and out: the rows of y, permuted, as the
 * columns of out (eigenvectors from rows to sorted columns). 32 x 32 tiles keep reads and writes
 * in cache.
 */
export function gatherColumns(n: i32, y: usize, order: usize, out: usize): void {
  const T = 32;
  const pitch = <usize>n << 3;
  for (let j0 = 0; j0 < n; j0 += T) {
    const j1 = min(n, j0 + T);
    for (let k0 = 0; k0 < n; k0 += T) {
      const k1 = min(n, k0 + T);
      for (let j = j0; j < j1; j++) {
        const src = y + <usize>load<i32>(order + (<usize>j << 2)) * pitch;
        const col = out + (<usize>j << 3);
        for (let k = k0; k < k1; k++) store<f64>(col + <usize>k * pitch, load<f64>(src + (<usize>k << 3)));
      }
    }
  }
}
