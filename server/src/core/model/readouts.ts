/**
 * The teacher's random vectors (theory.md section 5): beta ~ N(0, I/d) of the linear teacher and the
 * readout theta ~ N(0, I/k) of a teacher network or of the student teacher, unless the spec gives
 * them in a file. The prediction (moments.ts) and the Monte-Carlo simulation both take them from
 * here, so that the simulated labels come from exactly the teacher the prediction describes.
 */
import { Random } from '../rng';

/** beta of the linear teacher y = beta . x + noise: the given vector, or N(0, I/d) drawn from "teacher/beta". */
export function teacherBeta(seed: number, given: Float64Array | undefined, dimension: number): Float64Array {
  return given ?? Random.stream(seed, 'teacher/beta').fillNormal(new Float64Array(dimension), 1 / Math.sqrt(dimension));
}

/** theta of y = theta . phi(x) + noise (teacher network or student teacher): given, or N(0, I/k) from "teacher/readout". */
export function teacherReadout(seed: number, given: Float64Array | undefined, width: number): Float64Array {
  return given ?? Random.stream(seed, 'teacher/readout').fillNormal(new Float64Array(width), 1 / Math.sqrt(width));
}
