/**
 * The engine's only public door. The adapters (the CLI, the language server and its worker, the
 * webview bundle) import from here and nowhere deeper; a lint rule in eslint.config.mjs says so.
 * Everything behind it is pure and synchronous: no Node, no editor, no I/O, no clock.
 */

// Files and problems.
export { ArrayCache, MAX_TEXT_FILE_BYTES, notUtf8Text, overlayHost, type FileInfo, type FileKind, type OverlayDocument, type SpecHost, type TextContent } from './host';
export { readSpecFile } from './format/files';
export { formatProblem, LineIndex, START_OF_FILE, type Position, type Problem, type ProblemCode, type Range, type Severity } from './problems';

// The format: parse, schema, resolve (validation is loading without computing).
export { loadExperiment, type LoadedExperiment, type LoadResult } from './format/load';
export { rainbowSchema } from './format/schema.generated';

// Prediction and simulation, as generators (one yield per stage, so an adapter can report progress
// and stop) and as run-to-the-end functions.
export type { Stage } from './analysis';
export {
  predict,
  predictionSteps,
  type LayerReport,
  type PointReport,
  type PredictionOutcome,
  type PredictionOptions,
  type PredictionResult,
  type Progress,
  type RiskInputsReport,
  type TargetReport,
  type TeacherLayerReport,
  type ValidityRunReport,
} from './prediction';
export type { LayerValidity, ValidityCode, ValidityReport, ValidityWarning } from './model/validity';
export { simulate, simulationSteps, type SimulationOutcome, type SimulationProgress, type SimulationResult } from './simulation/pipeline';
export { simulationFootprint, type InputSampling, type SimulationOptions, type SimulationPoint, type SimulationTimings } from './simulation/run';
export type { SpectrumSummary } from './model/spectrum';
export { formatBytes, formatSeconds, predictionCost, simulationSeconds, type CostEstimate, type StageSeconds } from './cost';
export { runToEnd } from './steps';

// The JSON output contract (docs/spec-format.md), shared by the CLI, the server and the webview.
export { predictionJson, simulationJson, type LayerJson, type PredictionJson, type SimulationJson } from './output';

// Host integration: helper threads for the kernels and advice on large arrays (Node adapters only).
export { kernelHelpersReady, prepareKernelHelpers, releaseKernelHelpers, serveKernelHelper, type KernelHelperData } from './linalg/backend';
export { setLargeArrayAdvisor } from './linalg/memory';

// The O(p) risk formulas on a known spectrum, pure and allocation-light: the webview recomputes
// curves with them while a what-if slider moves (the same code as the engine, bundled).
export { predictRisk, type RiskInputs, type RiskPoint } from './risk/testError';
export { learningCurve, optimalCurve, type CurvePoint } from './risk/learningCurve';
export { fromSumConvention, toSumConvention, type RidgeConvention } from './model/types';
