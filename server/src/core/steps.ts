/**
 * The engine's stages are generators that yield progress and return their result, so that an
 * adapter can report progress and stop between steps. These two helpers are the only places that
 * drive them by hand.
 */

/** Runs `steps` to its end, handing every yielded value to `onProgress`; returns the result. */
export function runToEnd<P, R>(steps: Generator<P, R>, onProgress?: (progress: P) => void): R {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    onProgress?.(next.value);
  }
}

/**
 * `yield*` with a translation: yields `map(value)` for every value `steps` yields and returns its
 * result. When the caller stops early (return() on the outer generator), `steps` is returned too,
 * so that its own `finally` blocks run.
 */
export function* relay<T, U, R>(steps: Generator<T, R>, map: (value: T) => U): Generator<U, R> {
  try {
    let step = steps.next();
    while (!step.done) {
      yield map(step.value);
      step = steps.next();
    }
    return step.value;
  } finally {
    steps.return(undefined as R);
  }
}
