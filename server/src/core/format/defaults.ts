/**
 * The defaults of the format, read from the schema (schema.generated.ts, generated from
 * schemas/rainbow.schema.json), so that the schema's `default` keywords, which editors show and the
 * documentation quotes, are the one place they are written. Read once when the module loads; a
 * missing or mistyped default is a build mistake and throws at once (every test loads this).
 */
import { rainbowSchema, type JsonValue } from './schema.generated';
import type { Linearization, RidgeConvention, Spacing, WeightsLayout } from './types.generated';

/** The `default` of the schema node at a path under `$defs` (e.g. "ridge/properties/convention"). */
function schemaDefault(path: string): JsonValue {
  let node: JsonValue | undefined = rainbowSchema.$defs;
  for (const key of path.split('/')) {
    node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[key] : undefined;
  }
  const value = node !== null && typeof node === 'object' && !Array.isArray(node) ? node.default : undefined;
  if (value === undefined) throw new Error(`the schema has no default at #/$defs/${path}`);
  return value;
}

function numberDefault(path: string): number {
  const value = schemaDefault(path);
  if (typeof value !== 'number') throw new Error(`the schema's default at #/$defs/${path} is not a number`);
  return value;
}

function stringDefault<T extends string>(path: string): T {
  const value = schemaDefault(path);
  if (typeof value !== 'string') throw new Error(`the schema's default at #/$defs/${path} is not a string`);
  return value as T;
}

export const DEFAULTS = {
  seed: numberDefault('experiment/properties/seed'),
  inputCovariance: stringDefault<'identity'>('inputCovariance'),
  labelNoise: numberDefault('labelNoise'),
  convention: stringDefault<RidgeConvention>('ridge/properties/convention'),
  spacing: stringDefault<Spacing>('spacing'),
  repeats: numberDefault('simulate/properties/repeats'),
  testSamples: numberDefault('simulate/properties/testSamples'),
  gain: numberDefault('scaledActivation/properties/gain'),
  linearization: stringDefault<Linearization>('linearization'),
  rowCovariance: stringDefault<'identity'>('rowCovariance'),
  gaussianScale: numberDefault('gaussianWeights/properties/gaussian/properties/scale'),
  layout: stringDefault<WeightsLayout>('fileWeights/properties/layout'),
  plusScale: numberDefault('plusTerm/properties/scale'),
  gramShift: numberDefault('gramParameters/properties/shift'),
} as const;
