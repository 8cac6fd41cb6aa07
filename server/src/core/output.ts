/**
 * The JSON output contract of docs/spec-format.md ("Outputs"): what `rainbow predict --json` and
 * `rainbow simulate --json` print, what the language server's `rainbow/prediction` notification
 * carries and what the webview reads. One serializer for all three, next to the result types, so
 * that a field renamed here changes every reader at compile time. Field names are a contract:
 * add fields, never rename.
 */
import type { LayerReport, PredictionResult } from './prediction';
import type { SimulationResult } from './simulation/pipeline';

/** A student layer in the JSON: the report without its eigenvalues unless they were asked for. */
export type LayerJson = Omit<LayerReport, 'eigenvalues'> & { eigenvalues?: number[] };

/** With `withEigenvalues` (`--eigenvalues`, the editor's payload): every layer's eigenvalues and the risk inputs. */
export type PredictionJson = Omit<PredictionResult, 'layers' | 'riskInputs'> & { layers: LayerJson[]; riskInputs?: PredictionResult['riskInputs'] };

export type SimulationJson = PredictionJson & Pick<SimulationResult, 'simulation' | 'simulationTimings'>;

/** The output contract, plus documented extra fields; eigenvalues only on request. */
export function predictionJson(result: PredictionResult, withEigenvalues: boolean): PredictionJson {
  const { layers, riskInputs, ...rest } = result;
  return {
    ...rest,
    layers: layers.map(({ eigenvalues, ...layer }) => (withEigenvalues ? { ...layer, eigenvalues } : layer)),
    ...(withEigenvalues ? { riskInputs } : {}),
  };
}

/** The prediction JSON plus the `simulation` array; stage timings only on request. */
export function simulationJson(result: SimulationResult, withTimings: boolean): SimulationJson {
  const { simulationTimings, simulation, ...rest } = result;
  const json: SimulationJson = { ...predictionJson(rest, false), simulation };
  if (withTimings && simulationTimings) json.simulationTimings = simulationTimings;
  return json;
}
