import type { TrialRecord } from '../sweep/results.js';
import type { FigureFile } from '../figures/render.js';
import type { MnistFacts, RungeFacts } from './evaluation.js';
import type { SeedSpread } from './stats.js';

/** Parts of the study, in order. */
export const PARTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
export type PartId = (typeof PARTS)[number];

/** `full` = the report's settings; `quick` = every part in ≤ 5 minutes on 2 cores; `test` = seconds, for tests. */
export const PROFILES = ['quick', 'full', 'test'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** A table cell: text, a number, empty, or a setting's results over seeds (printed mean ± sd (n)). */
export type TableCell = string | number | null | SeedSpread;

/** A table of results, also written as CSV. */
export interface Table {
  name: string;
  title: string;
  /** CSV path relative to the output directory. */
  file: string;
  columns: string[];
  rows: TableCell[][];
}

/** One method's headline result, for the cost and summary tables of part (g). */
export interface MethodResult {
  task: 'Runge regression' | 'MNIST classification';
  part: PartId;
  method: string;
  /** `test MSE (noisy y)` or `test accuracy`. */
  metricName: string;
  metric: number;
  /** Secondary metric, e.g. test MSE against the clean f, or test cross-entropy. */
  extraName?: string;
  extra?: number;
  trainTimeMs: number;
  epochs: number | null;
}

/** One claim of the original report next to what we measured. */
export interface Difference {
  claim: string;
  ours: string;
  reason: string;
}

/** What a part returns: data for the report, figures and manifest. */
export interface PartResult {
  part: PartId;
  title: string;
  /** Settings actually used (printed in the report and the manifest). */
  config: Record<string, unknown>;
  tables: Table[];
  figures: FigureFile[];
  /** Paragraphs generated from the measured numbers. */
  commentary: string[];
  /** Headline numbers (manifest, closing summary). */
  numbers: Record<string, number | string>;
  differences: Difference[];
  methods: MethodResult[];
  /** Runs that produced NaN/±Inf (empty when none did). */
  nonFinite: string[];
  /** Training runs performed. */
  runs: number;
  /** What part (g)'s evaluation needs of this part (parts b and f). */
  evaluation?: { runge?: RungeFacts; mnist?: MnistFacts };
  timeMs: number;
  /** Wall time of the part's main phases (ms), for the manifest's breakdown; the rest is data, tables and figures. */
  phasesMs?: Record<string, number>;
}

/** What every part receives. */
export interface StudyContext {
  profile: ProfileName;
  seed: number;
  outDir: string;
  /** One progress line on stderr. */
  log: (message: string) => void;
  /** Render PNGs too (SVG always). */
  png: boolean;
  /** Results of parts already run in this invocation (part g summarises them). */
  previous: Partial<Record<PartId, PartResult>>;
  /** The `ffnn` entry script that grid trials fork as worker processes; absent: grids run their trials in this process. */
  workerBin?: string;
  /**
   * The records of the grid trials already run in this invocation, by trial id (a hash of the whole
   * configuration, seed included). A grid takes a trial from here instead of training it again: at
   * the full profile, part (g)'s η × λ2 grid is part (f)'s 784→100→10 cells.
   */
  trialRecords?: Map<string, TrialRecord>;
}
