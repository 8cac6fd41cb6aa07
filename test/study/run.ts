/**
 * `npm run study`: the simulation study that calibrates the validity warnings (model/validity.ts)
 * and measures the exact moments (model/exactMoments.ts). Not part of `npm test` (it takes minutes);
 * its output, test/study/results.json, is committed and checked by test/unit/validity-study.test.ts.
 *
 * For every spec in test/study/specs/ (the settings of the accuracy table in docs/theory.md): the
 * Monte-Carlo simulation with the spec's repetitions, the prediction with linearised moments (the
 * spec as written, with its validity diagnostics and warnings) and the prediction with exact
 * moments (the same spec with "moments": "exact"). The error of a point is
 * excess(theory) / excess(simulation) - 1, excess = test error - label-noise variance, with the
 * standard error of the simulated mean propagated to it.
 *
 *   node out/test/study/run.js [--only NAME,NAME] [--repeats R]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { predict, simulate, type PredictionResult, type Problem } from '../../server/src/core';
import { nodeHost } from '../../server/src/nodeHost';
import { repoRoot } from '../support/paths';
import type { StudyPoint, StudyResults, StudySpec } from './results';

const STUDY = join(repoRoot, 'test', 'study');
const SPECS = join(STUDY, 'specs');

function parseArguments(argv: string[]): { only: string[] | undefined; repeats: number | undefined } {
  let only: string[] | undefined;
  let repeats: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') only = (argv[++i] ?? '').split(',');
    else if (argv[i] === '--repeats') repeats = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}; usage: study [--only NAME,NAME] [--repeats R]`);
  }
  return { only, repeats };
}

function fail(name: string, problems: Problem[]): never {
  throw new Error(`${name}: ${problems.map((p) => `[${p.code}] ${p.message}`).join('; ')}`);
}

function predictedExcess(result: PredictionResult, n: number, lambda: number): number {
  const point = result.points.find((p) => p.n === n && p.lambda === lambda);
  if (!point || point.generalizationError === null) throw new Error(`no prediction at n = ${n}, lambda = ${lambda}`);
  return point.generalizationError;
}

function studySpec(name: string, repeats: number | undefined): StudySpec {
  const file = join(SPECS, `${name}.rainbow.json`);
  const text = readFileSync(file, 'utf8');
  const started = Date.now();
  const simulated = simulate(text, file, nodeHost, { testEvaluation: 'population', ...(repeats ? { repeats } : {}) });
  if (!simulated.result || simulated.problems.some((p) => p.severity === 'error')) fail(name, simulated.problems);
  const linearized = simulated.result;
  const exactText = JSON.stringify({ ...JSON.parse(text), moments: 'exact' });
  const exact = predict(exactText, file, nodeHost);
  if (!exact.result || exact.problems.some((p) => p.severity === 'error')) fail(`${name} (exact)`, exact.problems);
  const noise = linearized.target.noiseVariance;
  const points: StudyPoint[] = linearized.simulation.map((s) => {
    if (s.testError === null || s.testErrorStd === null) throw new Error(`${name}: simulation failed at n = ${s.n}`);
    const simulatedExcess = s.testError - noise;
    const standardError = s.testErrorStd / Math.sqrt(s.repeats);
    const lin = predictedExcess(linearized, s.n, s.lambda);
    const ex = predictedExcess(exact.result as PredictionResult, s.n, s.lambda);
    return {
      n: s.n,
      lambda: s.lambda,
      repeats: s.repeats,
      simulatedExcess,
      standardError,
      linearizedExcess: lin,
      exactExcess: ex,
      linearizedError: lin / simulatedExcess - 1,
      exactError: ex / simulatedExcess - 1,
      // Of the ratio theory / simulation, from the simulated mean's standard error.
      errorStandardError: (lin / simulatedExcess) * (standardError / simulatedExcess),
    };
  });
  const validity = linearized.validity[0];
  const exactValidity = (exact.result as PredictionResult).validity[0];
  if (!validity || !exactValidity) throw new Error(`${name}: no validity report`);
  return {
    name,
    title: linearized.title,
    features: linearized.features,
    seconds: (Date.now() - started) / 1000,
    validity: { ...validity, warnings: validity.warnings.map(({ code, layer, severity }) => ({ code, severity, ...(layer ? { layer } : {}) })) },
    exactWarnings: exactValidity.warnings.map(({ code, layer, severity }) => ({ code, severity, ...(layer ? { layer } : {}) })),
    points,
  };
}

function main(): void {
  const args = parseArguments(process.argv.slice(2));
  const names = readdirSync(SPECS)
    .filter((f) => f.endsWith('.rainbow.json'))
    .map((f) => f.slice(0, -'.rainbow.json'.length))
    .filter((n) => !args.only || args.only.includes(n))
    .sort();
  const resultsFile = join(STUDY, 'results.json');
  let previous: StudySpec[] = [];
  if (args.only) {
    try {
      previous = (JSON.parse(readFileSync(resultsFile, 'utf8')) as StudyResults).specs.filter((s) => !names.includes(s.name));
    } catch {
      previous = [];
    }
  }
  const specs: StudySpec[] = [...previous];
  for (const name of names) {
    const s = studySpec(name, args.repeats);
    specs.push(s);
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    for (const p of s.points) {
      console.log(
        `${name.padEnd(28)} n=${String(p.n).padStart(5)} lambda=${String(p.lambda).padEnd(6)} linearised ${pct(p.linearizedError).padStart(8)} exact ${pct(p.exactError).padStart(8)} (+- ${pct(p.errorStandardError)})  ${s.validity.warnings.map((w) => w.code).join(' ')}`,
      );
    }
  }
  specs.sort((a, b) => a.name.localeCompare(b.name));
  const results: StudyResults = {
    description:
      'Theory against Monte-Carlo simulation for the specs in test/study/specs (npm run study). error = excess(theory) / excess(simulation) - 1, ' +
      'excess = test error - label-noise variance; errorStandardError propagates the standard error of the simulated mean.',
    node: process.version,
    specs,
  };
  writeFileSync(resultsFile, JSON.stringify(results, null, 1) + '\n');
  console.log(`wrote ${resultsFile}`);
}

main();
