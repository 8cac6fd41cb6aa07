/** The shape of test/study/results.json, written by run.ts and read by test/unit/validity-study.test.ts. */
import type { ValidityCode, ValidityReport } from '../../server/src/core';

export interface StudyWarning {
  code: ValidityCode;
  severity: 'warning' | 'information';
  layer?: string;
}

export interface StudyPoint {
  n: number;
  lambda: number;
  repeats: number;
  /** Simulated test error minus the label-noise variance (mean over repetitions). */
  simulatedExcess: number;
  /** Standard error of that mean. */
  standardError: number;
  linearizedExcess: number;
  exactExcess: number;
  /** excess(theory) / excess(simulation) - 1, linearised and exact moments. */
  linearizedError: number;
  exactError: number;
  errorStandardError: number;
}

export interface StudySpec {
  name: string;
  title: string;
  features: number;
  seconds: number;
  /** Diagnostics and warnings of the spec as written (linearised moments unless it says otherwise). */
  validity: Omit<ValidityReport, 'warnings'> & { warnings: StudyWarning[] };
  /** Warnings left with "moments": "exact". */
  exactWarnings: StudyWarning[];
  points: StudyPoint[];
}

export interface StudyResults {
  description: string;
  node: string;
  specs: StudySpec[];
}
