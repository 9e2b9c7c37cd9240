import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords, withoutTiming } from '../src/sweep/results.js';
import { expandTrials, trialId, validateSpec } from '../src/sweep/spec.js';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ffnn-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ffnn = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
const ffnnAsync = (...args: string[]) =>
  new Promise<number | null>((resolve) => spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: 'ignore' }).on('exit', (code) => resolve(code)));

const spec = {
  name: 'tiny',
  base: { data: 'runge', n: 200, epochs: 4, hidden: '8', batchSize: 32 },
  grid: { lr: [0.001, 0.01, 0.03], l2: [0, 0.001] },
  random: { count: 2, seed: 5, params: { lr: { logUniform: [0.0001, 0.1] }, hidden: { choice: ['4', '8,8'] } } },
};
writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
writeFileSync(join(dir, 'spec.yaml'), 'base:\n  data: runge\n  n: 200\n  epochs: 4\n  hidden: "8"\n  batchSize: 32\ngrid:\n  lr: [0.001, 0.01]\n');

const sorted = (file: string) => readRecords(join(dir, file)).map(withoutTiming).sort((a, b) => a.trial - b.trial || a.epochs - b.epochs);

describe('sweep specs', () => {
  it('expands grids and seeded random draws in a fixed order with stable ids', () => {
    const trials = expandTrials(validateSpec(spec));
    expect(trials).toHaveLength(8);
    expect(trials.slice(0, 2).map((t) => [t.config.lr, t.config.l2])).toEqual([[0.001, 0], [0.001, 0.001]]);
    expect(expandTrials(validateSpec(spec))).toEqual(trials);
    expect(trialId({ a: 1, b: 2 })).toBe(trialId({ b: 2, a: 1 }));
    expect(new Set(trials.map((t) => t.id)).size).toBe(8);
  });
  it('puts a list of explicit configurations after the grid', () => {
    const trials = expandTrials(validateSpec({ base: { data: 'runge', lr: 0.1 }, grid: { l2: [0, 1] }, list: [{ optimizer: 'sgd', lr: 0.01 }, { optimizer: 'rmsprop' }] }));
    expect(trials.map((t) => t.config)).toEqual([
      { data: 'runge', lr: 0.1, l2: 0 },
      { data: 'runge', lr: 0.1, l2: 1 },
      { data: 'runge', lr: 0.01, optimizer: 'sgd' },
      { data: 'runge', lr: 0.1, optimizer: 'rmsprop' },
    ]);
  });
  it('repeats the grid (not the list) for each of gridSeeds, keeping the split of the first seed', () => {
    const trials = expandTrials(validateSpec({ base: { data: 'runge', seed: 7 }, grid: { l2: [0, 1] }, list: [{ optimizer: 'sgd' }], gridSeeds: [8, 9] }));
    expect(trials.map((t) => t.config)).toEqual([
      { data: 'runge', seed: 7, l2: 0 },
      { data: 'runge', seed: 7, l2: 1 },
      { data: 'runge', seed: 7, optimizer: 'sgd' },
      { data: 'runge', seed: 8, splitSeed: 7, l2: 0 },
      { data: 'runge', seed: 8, splitSeed: 7, l2: 1 },
      { data: 'runge', seed: 9, splitSeed: 7, l2: 0 },
      { data: 'runge', seed: 9, splitSeed: 7, l2: 1 },
    ]);
    // The first seed's trials are the spec without gridSeeds, ids included; a base splitSeed is kept.
    expect(trials.slice(0, 3)).toEqual(expandTrials(validateSpec({ base: { data: 'runge', seed: 7 }, grid: { l2: [0, 1] }, list: [{ optimizer: 'sgd' }] })));
    expect(expandTrials(validateSpec({ base: { seed: 7, splitSeed: 3 }, grid: { l2: [0] }, gridSeeds: [8] }))[1]!.config).toEqual({ seed: 8, splitSeed: 3, l2: 0 });
  });
  it('names the problem of bad gridSeeds', () => {
    expect(() => validateSpec({ base: { seed: 1 }, grid: { lr: [1] }, gridSeeds: [] }, 's.json')).toThrow(/s\.json: gridSeeds must be a non-empty list of non-negative integers/);
    expect(() => validateSpec({ base: { seed: 1 }, grid: { lr: [1] }, gridSeeds: [2.5] }, 's.json')).toThrow(/gridSeeds must be a non-empty list of non-negative integers/);
    expect(() => validateSpec({ base: {}, grid: { lr: [1] }, gridSeeds: [2] }, 's.json')).toThrow(/gridSeeds needs base\.seed/);
    expect(() => validateSpec({ base: { seed: 1 }, grid: { lr: [1] }, gridSeeds: [2, 1] }, 's.json')).toThrow(/gridSeeds must be distinct and differ from base\.seed \(1\)/);
    expect(() => validateSpec({ base: { seed: 1 }, list: [{ lr: 1 }], gridSeeds: [2] }, 's.json')).toThrow(/the spec needs a grid/);
  });
  it('names the field of a bad spec', () => {
    expect(() => validateSpec({ base: {}, grid: { lr: [] } }, 's.json')).toThrow(/s\.json: grid\.lr must be a non-empty list/);
    expect(() => validateSpec({ base: { save: 'x' } }, 's.json')).toThrow(/base\.save: output options are set on the sweep command/);
    expect(() => validateSpec({ base: {}, random: { count: 2, params: { lr: { normal: [0, 1] } } } }, 's.json')).toThrow(/random\.params\.lr must be one of/);
    expect(() => validateSpec({ bases: {} }, 's.json')).toThrow(/unknown field\(s\) bases/);
    expect(() => validateSpec({ base: {}, list: [{ lr: [1] }] }, 's.json')).toThrow(/list\[0\]\.lr must be a string, number or boolean/);
    expect(() => validateSpec({ base: {}, list: [] }, 's.json')).toThrow(/list must be a non-empty list/);
    const r = ffnn('sweep', 'run', 'spec.json', '--out', 'x.jsonl', '--shard', '4/4');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--shard must be i\/n with 0 ≤ i < n/);
  });
});

describe('ffnn sweep run / merge / report', () => {
  it('4 shards run in separate processes and merged equal the single-process run exactly', async () => {
    const single = ffnn('sweep', 'run', 'spec.json', '--out', 'single.jsonl', '--workers', '1');
    expect(single.status).toBe(0);
    expect(single.stdout).toMatch(/ran 8: 8 finished, 0 diverged, 0 failed; skipped 0 already finished/);
    const codes = await Promise.all([0, 1, 2, 3].map((i) => ffnnAsync('sweep', 'run', 'spec.json', '--out', `shard-${i}.jsonl`, '--shard', `${i}/4`, '--workers', '1')));
    expect(codes).toEqual([0, 0, 0, 0]);
    const merged = ffnn('sweep', 'merge', '--spec', 'spec.json', '--out', 'merged.jsonl', 'shard-0.jsonl', 'shard-1.jsonl', 'shard-2.jsonl', 'shard-3.jsonl');
    expect(merged.status).toBe(0);
    expect(merged.stdout).toMatch(/8 records, 0 duplicate\(s\), 0 conflict\(s\), 0 missing/);
    expect(sorted('merged.jsonl')).toEqual(sorted('single.jsonl'));
  }, 300_000);

  it('is resumable: finished trials are skipped, a torn last line is repaired and rerun', () => {
    const text = readFileSync(join(dir, 'single.jsonl'), 'utf8');
    const lines = text.trim().split('\n');
    writeFileSync(join(dir, 'partial.jsonl'), lines.slice(0, 5).join('\n') + '\n' + lines[5]!.slice(0, 40));
    const r = ffnn('sweep', 'run', 'spec.json', '--out', 'partial.jsonl', '--workers', '2');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/removed a torn last line/);
    expect(r.stdout).toMatch(/ran 3: 3 finished, 0 diverged, 0 failed; skipped 5 already finished/);
    expect(sorted('partial.jsonl')).toEqual(sorted('single.jsonl'));
    const again = ffnn('sweep', 'run', 'spec.json', '--out', 'partial.jsonl');
    expect(again.stdout).toMatch(/ran 0: 0 finished, 0 diverged, 0 failed; skipped 8/);
  }, 300_000);

  it('reports missing and duplicate trials when merging', () => {
    appendFileSync(join(dir, 'dup.jsonl'), readFileSync(join(dir, 'shard-1.jsonl')));
    const r = ffnn('sweep', 'merge', '--spec', 'spec.json', '--out', 'm2.jsonl', 'shard-0.jsonl', 'shard-1.jsonl', 'dup.jsonl');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/2 duplicate\(s\), 0 conflict\(s\), 4 missing/);
    expect(r.stdout).toMatch(/missing trials: 2, 3, 6, 7/);
  });

  it('runs successive halving from a YAML spec and reports a ranking and a heatmap', () => {
    writeFileSync(join(dir, 'halving.yaml'), 'base: { data: runge, n: 200, hidden: "8", batchSize: 32 }\ngrid: { lr: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3] }\nhalving: { metric: test.mse, mode: min, minEpochs: 2, maxEpochs: 6, eta: 3 }\n');
    const r = ffnn('sweep', 'run', 'halving.yaml', '--out', 'halving.jsonl', '--workers', '2');
    expect(r.status).toBe(0);
    const records = readRecords(join(dir, 'halving.jsonl'));
    expect(records.filter((x) => x.epochs === 2)).toHaveLength(6);
    expect(records.filter((x) => x.epochs === 6)).toHaveLength(2);
    // --figure takes an absolute path as well as one relative to the working directory.
    const figure = join(dir, 'figures', 'heat');
    mkdirSync(join(dir, 'figures'));
    const rep = ffnn('sweep', 'report', 'single.jsonl', '--metric', 'test.mse', '--x', 'lr', '--y', 'l2', '--figure', figure);
    expect(rep.status).toBe(0);
    expect(rep.stdout).toMatch(/8 trials, ranked by test\.mse \(lower is better\)/);
    expect(rep.stdout).toMatch(/\| l2 \\ lr \|/);
    expect(existsSync(`${figure}.svg`) && existsSync(`${figure}.png`)).toBe(true);
    expect(rep.stdout).toContain(`![heatmap](${figure}.svg)`);
    expect(rep.stderr).toBe(`wrote the heatmap to ${figure}.svg and ${figure}.png\n`);
    expect(ffnn('sweep', 'run', 'spec.yaml', '--out', 'yaml.jsonl').status).toBe(0);
  }, 300_000);

  it('counts a diverged trial in the summary and marks it in the progress', () => {
    writeFileSync(join(dir, 'blowup.yaml'), 'base: { data: runge, n: 200, hidden: "8", batchSize: 32, epochs: 2 }\ngrid: { lr: [0.001, 1000000] }\n');
    const r = ffnn('sweep', 'run', 'blowup.yaml', '--out', 'blowup.jsonl', '--workers', '1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sweep blowup\.yaml: ran 2: 1 finished, 1 diverged, 0 failed; skipped 0 already finished; in /);
    expect(r.stderr).toMatch(/^1\/2 done: trial 0 \([0-9a-f]{12}, 2 epochs\) in \d+\.\ds · ETA \d+s$/m);
    expect(r.stderr).toMatch(/^2\/2 done: trial 1 \([0-9a-f]{12}, 2 epochs\) in \d+\.\ds · DIVERGED \(best weights kept\) · ETA 0s$/m);
  }, 120_000);
});

describe('ffnn sweep run when a trial diverges or a worker dies', () => {
  it('counts diverged trials on their own in the summary', () => {
    writeFileSync(join(dir, 'diverge.yaml'), 'base: { data: runge, n: 200, epochs: 4, hidden: "8", batchSize: 32, optimizer: sgd }\ngrid: { lr: [0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 10000] }\n');
    const r = ffnn('sweep', 'run', 'diverge.yaml', '--out', 'diverge.jsonl', '--workers', '2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ran 8: 7 finished, 1 diverged, 0 failed; skipped 0 already finished/);
    expect(readRecords(join(dir, 'diverge.jsonl')).filter((x) => x.stopReason === 'diverged').map((x) => x.config.lr)).toEqual([10000]);
  }, 120_000);

  // Trials of several seconds even on a quiet machine (400 epochs took 0.5 s there, so a kill 1 s after a
  // worker started found its first trial already finished), so that a worker is killed while it trains one.
  writeFileSync(join(dir, 'slow.yaml'), 'base: { data: runge, n: 1000, epochs: 4000, hidden: "32,32", batchSize: 16 }\ngrid: { lr: [0.001, 0.003] }\n');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Process ids whose parent is `pid` (from /proc). */
  const childrenOf = (pid: number) =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .flatMap((d) => {
        try {
          // The command name in field 2 may hold spaces; the parent id is the second field after it.
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
        } catch {
          return [];
        }
      });
  /** Runs `ffnn sweep run slow.yaml --workers 1` and SIGKILLs its first `kills` workers, each 1 s after it started. */
  const runKilling = async (out: string, kills: number) => {
    const child = spawn(process.execPath, [bin, 'sweep', 'run', 'slow.yaml', '--out', out, '--workers', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let code: number | null | undefined;
    child.on('exit', (c) => (code = c));
    const killed: number[] = [];
    const seen = new Set<number>();
    while (code === undefined) {
      for (const p of childrenOf(child.pid!)) seen.add(p);
      const worker = [...seen].find((p) => !killed.includes(p));
      if (killed.length < kills && worker !== undefined) {
        await sleep(1000);
        process.kill(worker, 'SIGKILL');
        killed.push(worker);
      } else await sleep(50);
    }
    const alive = [...seen].filter((p) => existsSync(`/proc/${p}`) && !/\) Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8')));
    return { code, stdout, stderr, killed, workers: seen.size, alive };
  };

  it.runIf(process.platform === 'linux')('a worker SIGKILLed mid-trial is replaced and its trial runs again', async () => {
    const r = await runKilling('killed-once.jsonl', 1);
    expect(r.stderr).toContain(`its worker process (pid ${r.killed[0]}) was killed by SIGKILL mid-trial; running the trial again in a new worker`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ran 2: 2 finished, 0 diverged, 0 failed/);
    expect(readRecords(join(dir, 'killed-once.jsonl')).map((x) => x.trial)).toEqual([0, 1]);
    expect(r.workers).toBe(2);
    expect(r.alive).toEqual([]); // no worker outlives its sweep
  }, 300_000);

  it.runIf(process.platform === 'linux')('a trial whose worker is killed twice is failed with the reason, and a rerun completes it', async () => {
    const r = await runKilling('killed-twice.jsonl', 2);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ran 2: 1 finished, 0 diverged, 1 failed/);
    expect(r.stderr).toMatch(/1 trial\(s\) failed: trial 0: its worker process was killed by SIGKILL twice/);
    expect(readRecords(join(dir, 'killed-twice.jsonl')).map((x) => x.trial)).toEqual([1]);
    expect(r.workers).toBe(3);
    expect(r.alive).toEqual([]);
    const again = ffnn('sweep', 'run', 'slow.yaml', '--out', 'killed-twice.jsonl', '--workers', '1');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/ran 1: 1 finished, 0 diverged, 0 failed; skipped 1 already finished/);
    expect(sorted('killed-twice.jsonl')).toEqual(sorted('killed-once.jsonl'));
  }, 300_000);
});
