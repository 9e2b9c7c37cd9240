import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Rng, isForbiddenKey } from '@ffnn/tensor';
import { parse as parseYaml } from 'yaml';
import { CliFailure, UsageError } from '../errors.js';

/** A value a trial option can take. */
export type OptionValue = string | number | boolean;

/** A random distribution of one option. */
export type Distribution =
  | { uniform: [number, number] }
  | { logUniform: [number, number] }
  | { int: [number, number] }
  | { choice: OptionValue[] };

/** Successive halving over the trials (instead of training every trial to the full budget). */
export interface HalvingSpec {
  /** Result path to rank by, e.g. `test.mse` or `test.accuracy`. */
  metric: string;
  /** `min` for losses, `max` for accuracies. */
  mode: 'min' | 'max';
  /** Epochs in the first rung. */
  minEpochs: number;
  /** Epochs in the last rung (at most). */
  maxEpochs: number;
  /** Keep 1/eta of the trials per rung. Default 3. */
  eta?: number;
}

/**
 * A sweep: base `ffnn train` options, plus a grid (every combination), a list of explicit
 * configurations and/or random draws. Option names are the `ffnn train` flags in camelCase
 * (`lr`, `hidden`, `batchSize`, `l2`, …).
 */
export interface SweepSpec {
  name?: string;
  base: Record<string, OptionValue>;
  grid?: Record<string, OptionValue[]>;
  /** Explicit configurations, each over `base` (e.g. optimizers each with its own η). */
  list?: Record<string, OptionValue>[];
  random?: { count: number; seed?: number; params: Record<string, Distribution> };
  halving?: HalvingSpec;
  /**
   * Further training seeds: every grid combination is also trained with each of these as `seed`
   * (initial weights, batch order, dropout), keeping the data and split of `base`
   * (`splitSeed` = base's `splitSeed`, else its `seed`). These trials come after all others, so a
   * spec without `gridSeeds` expands to the same trials as the first seed of one with them.
   */
  gridSeeds?: number[];
}

/** One trial: its index in the expanded list, a stable id, and its options. */
export interface Trial {
  index: number;
  id: string;
  config: Record<string, OptionValue>;
}

const NOT_SWEEPABLE = new Set(['save', 'json', 'resume', 'checkpoint', 'checkpointEvery', 'quiet']);

function fail(source: string, message: string): never {
  throw new CliFailure(`${source}: ${message}`);
}

function isValue(v: unknown): v is OptionValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** Reads and validates a sweep spec (JSON, or YAML for .yaml/.yml). */
export function readSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    fail(path, 'cannot read the sweep spec (no such file?)');
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    fail(path, `not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'} (${(error as Error).message.split('\n')[0]})`);
  }
  return validateSpec(raw, path);
}

/** Validates a parsed spec; errors name the field. */
export function validateSpec(raw: unknown, source = '<spec>'): SweepSpec {
  const obj = (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(source, `${what} must be an object`);
    for (const k of Object.keys(v)) if (isForbiddenKey(k)) fail(source, `${what} has a forbidden key "${k}"`);
    return v as Record<string, unknown>;
  };
  const s = obj(raw, 'the spec');
  const unknown = Object.keys(s).filter((k) => !['name', 'base', 'grid', 'list', 'random', 'halving', 'gridSeeds'].includes(k));
  if (unknown.length) fail(source, `unknown field(s) ${unknown.join(', ')}; a spec has name, base, grid, list, random, halving, gridSeeds`);
  const checkKey = (k: string, where: string) => {
    if (NOT_SWEEPABLE.has(k)) fail(source, `${where}.${k}: output options are set on the sweep command, not per trial`);
  };
  /** An object of trial options (`base`, an entry of `list`): one value per option. */
  const options = (v: unknown, where: string): Record<string, OptionValue> => {
    const o = obj(v, where);
    for (const [k, x] of Object.entries(o)) {
      checkKey(k, where);
      if (!isValue(x)) fail(source, `${where}.${k} must be a string, number or boolean`);
    }
    return o as Record<string, OptionValue>;
  };
  const base = options(s.base ?? {}, 'base');
  const spec: SweepSpec = { base };
  if (typeof s.name === 'string') spec.name = s.name;
  if (s.grid !== undefined) {
    const grid = obj(s.grid, 'grid');
    for (const [k, v] of Object.entries(grid)) {
      checkKey(k, 'grid');
      if (!Array.isArray(v) || v.length === 0 || !v.every(isValue)) fail(source, `grid.${k} must be a non-empty list of values`);
    }
    spec.grid = grid as Record<string, OptionValue[]>;
  }
  if (s.list !== undefined) {
    if (!Array.isArray(s.list) || s.list.length === 0) fail(source, 'list must be a non-empty list of option objects');
    spec.list = s.list.map((entry: unknown, i) => options(entry, `list[${i}]`));
  }
  if (s.random !== undefined) {
    const r = obj(s.random, 'random');
    if (!Number.isInteger(r.count) || (r.count as number) < 1) fail(source, 'random.count must be a positive integer');
    if (r.seed !== undefined && !Number.isSafeInteger(r.seed)) fail(source, 'random.seed must be an integer');
    const params = obj(r.params, 'random.params');
    for (const [k, d] of Object.entries(params)) {
      checkKey(k, 'random.params');
      const dist = obj(d, `random.params.${k}`);
      const kinds = Object.keys(dist);
      if (kinds.length !== 1 || !['uniform', 'logUniform', 'int', 'choice'].includes(kinds[0]!)) {
        fail(source, `random.params.${k} must be one of { uniform: [a, b] }, { logUniform: [a, b] }, { int: [a, b] }, { choice: [...] }`);
      }
      const arg = dist[kinds[0]!];
      if (kinds[0] === 'choice') {
        if (!Array.isArray(arg) || arg.length === 0 || !arg.every(isValue)) fail(source, `random.params.${k}.choice must be a non-empty list`);
      } else if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((x) => typeof x === 'number' && Number.isFinite(x)) || (arg[0] as number) > (arg[1] as number)) {
        fail(source, `random.params.${k}.${kinds[0]} must be [low, high] with low ≤ high`);
      } else if (kinds[0] === 'logUniform' && (arg[0] as number) <= 0) {
        fail(source, `random.params.${k}.logUniform needs positive bounds`);
      }
    }
    spec.random = { count: r.count as number, ...(r.seed === undefined ? {} : { seed: r.seed as number }), params: params as Record<string, Distribution> };
  }
  if (s.halving !== undefined) {
    const h = obj(s.halving, 'halving');
    if (typeof h.metric !== 'string' || !/^(train|test)\.[a-z_0-9]+$/.test(h.metric)) fail(source, 'halving.metric must be like "test.mse" or "test.accuracy"');
    if (h.mode !== 'min' && h.mode !== 'max') fail(source, 'halving.mode must be "min" or "max"');
    if (!Number.isInteger(h.minEpochs) || (h.minEpochs as number) < 1) fail(source, 'halving.minEpochs must be a positive integer');
    if (!Number.isInteger(h.maxEpochs) || (h.maxEpochs as number) < (h.minEpochs as number)) fail(source, 'halving.maxEpochs must be an integer ≥ minEpochs');
    if (h.eta !== undefined && (!Number.isInteger(h.eta) || (h.eta as number) < 2)) fail(source, 'halving.eta must be an integer ≥ 2');
    spec.halving = h as unknown as HalvingSpec;
  }
  if (s.gridSeeds !== undefined) {
    const raw: unknown = s.gridSeeds;
    const isSeed = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every(isSeed)) fail(source, 'gridSeeds must be a non-empty list of non-negative integers');
    const seeds = raw;
    if (typeof base.seed !== 'number') fail(source, 'gridSeeds needs base.seed (the first seed, whose split every further seed keeps)');
    if (new Set([base.seed, ...seeds]).size !== seeds.length + 1) fail(source, `gridSeeds must be distinct and differ from base.seed (${base.seed})`);
    if (s.grid === undefined) fail(source, 'gridSeeds repeats the grid with further seeds: the spec needs a grid');
    spec.gridSeeds = seeds;
  }
  if (!spec.grid && !spec.list && !spec.random) spec.grid = {};
  return spec;
}

/** A stable id for a configuration: the first 12 hex digits of SHA-256 of its canonical JSON. */
export function trialId(config: Record<string, OptionValue>): string {
  const canonical = JSON.stringify(Object.keys(config).sort().map((k) => [k, config[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

function draw(rng: Rng, d: Distribution): OptionValue {
  if ('uniform' in d) return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * rng.uniform();
  if ('logUniform' in d) {
    const [a, b] = d.logUniform;
    return Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * rng.uniform());
  }
  if ('int' in d) return d.int[0] + rng.int(d.int[1] - d.int[0] + 1);
  return d.choice[rng.int(d.choice.length)]!;
}

/**
 * The trials of a spec, in a fixed order: the grid's combinations (first key slowest), then the
 * list's configurations, then the random draws (from Rng(random.seed ?? 1993), parameters in spec
 * order), then the grid's combinations again for each of `gridSeeds`. Same spec → same list,
 * on every machine, which is what makes `--shard` and `merge` work.
 */
export function expandTrials(spec: SweepSpec): Trial[] {
  const configs: Record<string, OptionValue>[] = [];
  let combos: Record<string, OptionValue>[] = [];
  if (spec.grid) {
    combos = [{}];
    for (const [k, values] of Object.entries(spec.grid)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
    for (const c of combos) configs.push({ ...spec.base, ...c });
  }
  for (const c of spec.list ?? []) configs.push({ ...spec.base, ...c });
  if (spec.random) {
    const rng = new Rng(spec.random.seed ?? 1993);
    for (let i = 0; i < spec.random.count; i++) {
      const c: Record<string, OptionValue> = {};
      for (const [k, d] of Object.entries(spec.random.params)) c[k] = draw(rng, d);
      configs.push({ ...spec.base, ...c });
    }
  }
  if (spec.gridSeeds?.length) {
    const splitSeed = spec.base.splitSeed ?? spec.base.seed;
    if (typeof splitSeed !== 'number') throw new CliFailure('gridSeeds needs base.seed (the first seed, whose split every further seed keeps)');
    for (const seed of spec.gridSeeds) for (const c of combos) configs.push({ ...spec.base, ...c, seed, splitSeed });
  }
  return configs.map((config, index) => ({ index, id: trialId(config), config }));
}

/** Parses `--shard i/n` (0 ≤ i < n). */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard must be i/n with 0 ≤ i < n (e.g. 0/4, or $SLURM_ARRAY_TASK_ID/4); got "${raw}"`);
  return { index, count };
}

/** The trials of shard i of n: every n-th trial starting at i. */
export function shardOf(trials: Trial[], shard: { index: number; count: number }): Trial[] {
  return trials.filter((t) => t.index % shard.count === shard.index);
}
