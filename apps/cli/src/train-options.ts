import { Option } from 'commander';
import type { TrainFlags } from './commands/train.js';
import type { TrialConfig } from './trial.js';
import { featuresLabel, parseFeatures } from './data.js';
import { UsageError } from './errors.js';
import type { OptionValue } from './sweep/spec.js';
import { HIDDEN_ACTIVATIONS, OPTIMIZER_NAMES, fraction, nonNegInt, nonNegative, numberFlag, parseHidden, positive, positiveInt } from './options.js';

/** Backends `--backend` / `FFNN_BACKEND` can name. */
export const BACKEND_NAMES = ['wasm', 'js'] as const;

/**
 * One option of `ffnn train`: its flag, help, parser of a raw value, allowed values and default.
 * The command line and trial configurations (sweeps, the study's grids) both read this table, so
 * a trial's `{ lr: 0.01 }` means exactly what `--lr 0.01` means.
 */
export interface TrainOption {
  key: keyof TrainFlags;
  /** Commander's flag syntax: `--lr <rate>` (a value), `--test-curves` (a switch) or `--no-standardize` (a switch on by default). */
  flags: string;
  description: string;
  parse?: (raw: string) => unknown;
  choices?: readonly string[];
  default?: unknown;
  /** How the default is shown in `--help` when it is not its plain value. */
  defaultLabel?: string;
}

/** The options of `ffnn train`, in `--help` order. */
export const TRAIN_OPTIONS: readonly TrainOption[] = [
  { key: 'data', flags: '--data <source>', description: 'runge, mnist, or a CSV file with a header', default: 'runge' },
  { key: 'target', flags: '--target <column>', description: 'target column of a CSV file' },
  { key: 'task', flags: '--task <task>', description: 'regression or classification (inferred when omitted)', choices: ['regression', 'classification'] },
  { key: 'hidden', flags: '--hidden <widths>', description: 'hidden layer widths, comma-separated ("none" for no hidden layer)', parse: parseHidden, default: [50, 50], defaultLabel: '50,50' },
  { key: 'activation', flags: '--activation <name>', description: 'hidden activation', choices: HIDDEN_ACTIVATIONS, default: 'relu' },
  { key: 'optimizer', flags: '--optimizer <name>', description: 'optimizer', choices: OPTIMIZER_NAMES, default: 'adam' },
  { key: 'lr', flags: '--lr <rate>', description: "learning rate (default: the optimizer's, 1e-3 for adam)", parse: positive('--lr') },
  { key: 'schedule', flags: '--schedule <spec>', description: 'learning-rate schedule: constant, step:<every>:<gamma>, exponential:<gamma>, cosine:<epochs>, plateau:<patience>:<factor>' },
  { key: 'epochs', flags: '--epochs <n>', description: 'passes over the training data', parse: nonNegInt('--epochs'), default: 100 },
  { key: 'batchSize', flags: '--batch-size <n>', description: 'mini-batch size', parse: positiveInt('--batch-size'), default: 64 },
  { key: 'l1', flags: '--l1 <lambda>', description: 'L1 penalty λ1·Σ|w| on weights', parse: nonNegative('--l1'), default: 0 },
  { key: 'l2', flags: '--l2 <lambda>', description: 'L2 penalty (λ2/2)·Σw² on weights', parse: nonNegative('--l2'), default: 0 },
  { key: 'dropout', flags: '--dropout <rate>', description: 'dropout rate on hidden layers, in [0, 1)', parse: numberFlag('--dropout', (v) => v >= 0 && v < 1, 'a number in [0, 1)'), default: 0 },
  { key: 'lossLimit', flags: '--loss-limit <factor>', description: "stop as diverged (keeping the best weights) when a batch loss exceeds this many times the larger of the initial weights' and the mean predictor's loss; 0: no limit", parse: nonNegative('--loss-limit'), default: 1000 },
  { key: 'earlyStopping', flags: '--early-stopping <patience>', description: 'stop after this many epochs without improvement on a 10% validation split', parse: positiveInt('--early-stopping') },
  { key: 'seed', flags: '--seed <n>', description: 'seed of initial weights, shuffling and dropout (and of data and split, unless --split-seed)', parse: nonNegInt('--seed'), default: 1993 },
  { key: 'splitSeed', flags: '--split-seed <n>', description: 'seed of the data (runge), --subset, the train/test split and --train-rows/--test-rows (default: --seed)', parse: nonNegInt('--split-seed') },
  { key: 'dtype', flags: '--dtype <type>', description: 'float type of weights', choices: ['float64', 'float32'], default: 'float64' },
  { key: 'testSize', flags: '--test-size <fraction>', description: 'held-out test fraction (stratified for classification)', parse: fraction('--test-size'), default: 0.2 },
  { key: 'standardize', flags: '--no-standardize', description: 'do not standardize features (fitted on the training part by default)' },
  { key: 'standardizeTarget', flags: '--no-standardize-target', description: "regression: do not standardize the target (by default it is fitted on the training part; metrics, predictions and saved models are in the target's own units either way)" },
  { key: 'n', flags: '--n <rows>', description: 'runge: number of points', parse: positiveInt('--n') },
  { key: 'noise', flags: '--noise <sigma>', description: 'runge: noise standard deviation', parse: nonNegative('--noise') },
  { key: 'subset', flags: '--subset <rows>', description: 'use a seeded (stratified) subset of this many rows, for quick runs (taken before the split)', parse: positiveInt('--subset') },
  { key: 'features', flags: '--features <spec>', description: "inputs: raw (the data's columns) or poly:<degree> ([1, x, …, x^degree] of a single column, then standardized like any features)", parse: (raw: string) => featuresLabel(parseFeatures(raw)), default: 'raw' },
  { key: 'trainRows', flags: '--train-rows <rows>', description: 'train on a seeded subset (stratified for classification) of this many rows of the training part, taken after the split', parse: positiveInt('--train-rows') },
  { key: 'testRows', flags: '--test-rows <rows>', description: 'evaluate on a seeded subset (stratified for classification) of this many rows of the test part, taken after the split', parse: positiveInt('--test-rows') },
  { key: 'testCurves', flags: '--test-curves', description: 'also evaluate the test part after every epoch (test loss and metric per epoch in the result; never used to steer training)' },
  { key: 'spectral', flags: '--spectral', description: 'record the largest singular value of every weight matrix, and of its change, after every epoch (power iteration)' },
  { key: 'save', flags: '--save <model.json>', description: 'write the trained model with its preprocessing: *.json (plain JSON), *.ffnn or *.safetensors (binary)' },
  { key: 'checkpoint', flags: '--checkpoint <path>', description: 'checkpoint file (weights, optimizer and RNG state, history) for --resume; also written on Ctrl-C' },
  { key: 'checkpointEvery', flags: '--checkpoint-every <epochs>', description: 'write the checkpoint every this many epochs', parse: positiveInt('--checkpoint-every') },
  { key: 'resume', flags: '--resume <checkpoint>', description: 'continue a run from its checkpoint with the same settings; the result is bit-identical to an uninterrupted run' },
  { key: 'backend', flags: '--backend <name>', description: 'kernels: wasm (WebAssembly SIMD with threads) or js (plain JavaScript); default $FFNN_BACKEND or wasm', choices: BACKEND_NAMES },
  { key: 'threads', flags: '--threads <n>', description: 'threads of the wasm backend (default: all cores; results do not depend on it)', parse: positiveInt('--threads') },
  { key: 'json', flags: '--json', description: 'print the result as JSON on stdout (progress goes to stderr)' },
  { key: 'quiet', flags: '--quiet', description: 'no progress output: only the results (with --json, only the JSON)' },
];

const isSwitch = (o: TrainOption) => !o.flags.includes('<');
const isNegated = (o: TrainOption) => o.flags.startsWith('--no-');

/** The table as commander options (`ffnn train`'s command line). */
export function commanderOptions(): Option[] {
  return TRAIN_OPTIONS.map((o) => {
    const option = new Option(o.flags, o.description);
    if (o.choices) option.choices(o.choices);
    if (o.parse) option.argParser(o.parse);
    if (o.default !== undefined) option.default(o.default, o.defaultLabel);
    return option;
  });
}

/**
 * The `ffnn train` settings of a trial configuration such as `{ hidden: '10,10', lr: 0.01 }`: each
 * value is parsed and checked exactly as its flag would be (numbers through their decimal text), and
 * options not given take the command's defaults.
 *
 * @throws UsageError naming the configuration and the offending option.
 */
export function trialFlags(config: Record<string, OptionValue>): TrainFlags {
  const fail = (why: string) => new UsageError(`trial options ${JSON.stringify(config)}: ${why}`);
  const known = new Set<string>(TRAIN_OPTIONS.map((o) => o.key));
  const unknown = Object.keys(config).filter((k) => !known.has(k));
  if (unknown.length) throw fail(`unknown option(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  const flags: Record<string, unknown> = {};
  for (const o of TRAIN_OPTIONS) {
    const v = config[o.key];
    if (v === undefined) {
      if (o.default !== undefined) flags[o.key] = o.default;
      else if (isNegated(o)) flags[o.key] = true;
      continue;
    }
    if (isSwitch(o)) {
      if (typeof v !== 'boolean') throw fail(`${o.key} is a switch (${o.flags}): true or false, not ${JSON.stringify(v)}`);
      flags[o.key] = v;
      continue;
    }
    if (typeof v === 'boolean') throw fail(`${o.key} takes a value (${o.flags}), not ${v}`);
    const raw = String(v);
    if (o.choices && !o.choices.includes(raw)) throw fail(`${o.key} must be one of ${o.choices.join(', ')}; got "${raw}"`);
    try {
      flags[o.key] = o.parse ? o.parse(raw) : raw;
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
  }
  return flags as unknown as TrainFlags;
}

/** Options of the command itself, not of a trial: where output goes and which kernels compute (results do not depend on them). */
const COMMAND_OPTIONS = new Set<string>(['save', 'json', 'quiet', 'checkpoint', 'checkpointEvery', 'resume', 'backend', 'threads']);

/** The trial of `ffnn train` flags: its settings without the command's own, and the split seed made explicit (`--seed` unless `--split-seed` is given). */
export function trialConfigOf(flags: TrainFlags): TrialConfig {
  const settings = Object.fromEntries(Object.entries(flags).filter(([k, v]) => v !== undefined && !COMMAND_OPTIONS.has(k))) as Omit<TrainFlags, 'splitSeed'>;
  return { ...settings, splitSeed: flags.splitSeed ?? flags.seed };
}
