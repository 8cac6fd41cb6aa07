/**
 * The cost model (core/cost.ts) as a function of sizes: its scaling laws, the widening shortcut,
 * the simulation's time bound, and what the CLI prints from it. Its coefficients are calibrations,
 * not tested here; the scalings and the decisions made from them are.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSeconds, loadExperiment, predictionCost, simulationSeconds, type CostEstimate, type Progress, type SimulationProgress } from '../../server/src/core';
import type { ExperimentModel } from '../../server/src/core/model/types';
import { simulationSizeProblem } from '../../server/src/core/simulation/run';
import { LONG_RUN_SECONDS, progressReporter } from '../../server/src/cli/progress';
import { experimentText, memoryHost } from '../support/memoryHost';

const SPEC = '/specs/cost.rainbow.json';

function model(fields: Record<string, unknown>): ExperimentModel {
  const loaded = loadExperiment(experimentText(fields), SPEC, memoryHost({}));
  assert.deepEqual(loaded.problems, []);
  return (loaded.runs?.[0]?.model) as ExperimentModel;
}

const oneLayer = (d: number, p: number, extra: Record<string, unknown> = {}): ExperimentModel =>
  model({ input: { dimension: d }, student: { layers: [{ width: p, activation: 'relu' }] }, ...extra });

describe('cost model: prediction', () => {
  test('square layers: the moments and spectrum stages grow as p^3, memory as p^2', () => {
    const small = predictionCost([oneLayer(1000, 1000)]);
    const large = predictionCost([oneLayer(2000, 2000)]);
    const [s, l] = [small.runs[0]!, large.runs[0]!];
    assert.ok(Math.abs(l.spectrum! / s.spectrum! - 8) < 1e-9, `spectrum ratio ${l.spectrum! / s.spectrum!}`);
    assert.ok(Math.abs(l.moments! / s.moments! - 8) < 1e-9, `moments ratio ${l.moments! / s.moments!}`);
    const base = predictionCost([oneLayer(1, 1)]).bytes;
    const ratio = (large.bytes - base) / (small.bytes - base);
    assert.ok(ratio > 3.9 && ratio < 4.1, `memory ratio ${ratio}`);
  });

  test('a widening last layer costs the eigenproblem of its fan-in, not of its width', () => {
    const widening = predictionCost([oneLayer(2000, 4000)]).runs[0]!;
    const square = predictionCost([oneLayer(2000, 2000)]).runs[0]!;
    assert.equal(widening.spectrum, square.spectrum);
    assert.ok(predictionCost([oneLayer(4000, 4000)]).seconds > 4 * predictionCost([oneLayer(2000, 4000)]).seconds);
  });

  test('the learning curve is linear in points x penalties x p, and a sweep adds one estimate per value', () => {
    const curve = (n: number[], lambda: number[]): number => predictionCost([oneLayer(100, 400, { samples: { n }, ridge: { lambda } })]).runs[0]!.curve!;
    assert.ok(Math.abs(curve([10, 20, 30, 40], [0.1, 1]) / curve([10, 20], [0.1]) - 4) < 1e-9);
    const m = oneLayer(100, 400);
    const two = predictionCost([m, m]);
    const one = predictionCost([m]);
    assert.equal(two.runs.length, 2);
    assert.ok(two.seconds > one.seconds && two.seconds < 2 * one.seconds, 'the start-up is counted once');
  });

  test('the estimate reaches hours and gigabytes at the documented limits (d = p = 10000)', () => {
    const c = predictionCost([oneLayer(10000, 10000)]);
    assert.ok(c.seconds > 60 && c.seconds < 3600, `${c.seconds} s`);
    assert.ok(c.bytes > 2e9 && c.bytes < 6e9, `${c.bytes} bytes`);
  });
});

describe('cost model: simulation', () => {
  const simulated = (simulate: Record<string, unknown>): ExperimentModel => oneLayer(300, 300, { simulate });

  test('linear in the repetitions, nothing without a plan, less with the exact test error', () => {
    const m = simulated({ n: [100, 400], repeats: 5, testSamples: 2000 });
    assert.ok(Math.abs(simulationSeconds(m, 10, 'samples') / simulationSeconds(m, 5, 'samples') - 2) < 1e-9);
    assert.equal(simulationSeconds(oneLayer(200, 200), 10, 'samples'), 0);
    assert.ok(simulationSeconds(m, 5, 'population') < simulationSeconds(m, 5, 'samples'));
  });

  test('the schema maxima of sizes and repetitions fit in memory but are refused by their estimated time', () => {
    const m = simulated({ n: { from: 100, to: 100000, points: 1000 }, repeats: 1000, testSamples: 100000 });
    const message = simulationSizeProblem(m, {});
    assert.ok(message, 'refused');
    assert.match(message, /would take about [\d.]+ (min|h)/);
    assert.match(message, /above the limit of/);
    assert.equal(simulationSizeProblem(m, { repeats: 1 }), undefined, 'one repetition is fine');
    assert.equal(simulationSizeProblem(m, { maxSeconds: Infinity }), undefined, 'the bound is an option');
  });
});

describe('progress and the announcement of long runs (CLI)', () => {
  const estimate = (seconds: number): CostEstimate => ({
    seconds,
    bytes: 2e9,
    runs: [{ weights: seconds * 0.1, moments: seconds * 0.3, spectrum: seconds * 0.6 }],
  });
  const event = (stage: Progress['stage'], first?: CostEstimate): Progress => ({ stage, run: 0, runs: 1, message: stage, ...(first ? { estimate: first } : {}) });

  test('a long run is announced on stderr with its time and memory, then progress goes to the status line', () => {
    const err: string[] = [];
    const status: string[] = [];
    const report = progressReporter('predict', { err: (s) => err.push(s), status: (s) => status.push(s) }, () => 0);
    report(event('weights', estimate(60)));
    report(event('moments'));
    report(event('spectrum'));
    assert.equal(err.length, 1);
    assert.match(err[0]!, /^rainbow predict: this will take about 60 s and 2\.0 GB of memory .*Ctrl-C stops it$/);
    assert.deepEqual(status.map((s) => /^\[(\d+)%\] (\w+)/.exec(s)?.slice(1)), [['0', 'weights'], ['10', 'moments'], ['40', 'spectrum']]);
    assert.match(status[2]!, /about 36 s left/);
  });

  test('a short run says nothing before it starts; without a terminal there is no status line', () => {
    const err: string[] = [];
    const report = progressReporter('predict', { err: (s) => err.push(s) }, () => 0);
    report(event('weights', estimate(LONG_RUN_SECONDS - 1)));
    report(event('moments'));
    assert.deepEqual(err, []);
  });

  test('simulation events count the prediction as done and the repetitions in proportion', () => {
    const status: string[] = [];
    const report = progressReporter('simulate', { err: () => undefined, status: (s) => status.push(s) }, () => 0);
    const withSimulation: CostEstimate = { seconds: 100, bytes: 1e8, runs: [{ weights: 5, moments: 5, spectrum: 10, simulation: 80 }] };
    report(event('weights', withSimulation));
    const repetition = (completed: number): SimulationProgress => ({ stage: 'simulation', run: 0, runs: 1, message: 'simulating', n: 10, repeat: completed - 1, completed, total: 4 });
    report(repetition(1));
    report(repetition(3));
    assert.deepEqual(status.map((s) => /^\[(\d+)%\]/.exec(s)?.[1]), ['0', '20', '60']);
  });

  test('durations read as a person would say them', () => {
    assert.equal(formatSeconds(0.5), 'under a second');
    assert.equal(formatSeconds(45), 'about 45 s');
    assert.equal(formatSeconds(600), 'about 10 min');
    assert.equal(formatSeconds(4 * 3600), 'about 4.0 h');
  });
});
