#!/usr/bin/env node
// How much computing a run of `ffnn reproduce` did, against its wall time: the trials' own times
// (each trial once, however many grids reuse it), plus the work a part does in its own process
// (part f's final training and logistic regression), divided by the machine's cores. That quotient
// is the shortest wall time the run could take on that machine with the same kernels.
//
//   node scripts/study-work.mjs published-results
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir || !existsSync(join(dir, 'manifest.json'))) {
  console.error('usage: node scripts/study-work.mjs <output directory of ffnn reproduce>');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const cores = manifest.machine?.cpus ?? 1;
const seen = new Set();
const rows = [];
for (const part of manifest.parts) {
  const files = existsSync(join(dir, part)) ? readdirSync(join(dir, part)).filter((f) => /\.jsonl(\.gz)?$/.test(f)).sort() : [];
  let trials = 0, seconds = 0;
  for (const f of files) {
    const raw = readFileSync(join(dir, part, f));
    const text = f.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      trials++;
      seconds += r.timing?.seconds ?? 0;
    }
  }
  const phases = manifest.phaseTimingsMs?.[part] ?? {};
  // In-process work beside the grids: the final training and the logistic fit (older runs: `logistic`).
  const own = ((phases.final ?? 0) + (phases['logistic (beside final)'] ?? phases.logistic ?? 0)) / 1000;
  const wall = (manifest.timingsMs?.[part] ?? 0) / 1000;
  rows.push({ part, trials, seconds: seconds + own, wall });
}
const min = (s) => `${(s / 60).toFixed(1)} min`;
console.log(`${dir}: ${cores} cores, commit ${manifest.commit?.sha?.slice(0, 7) ?? '?'}`);
console.log('part  trials  work (core-min)  wall (min)');
for (const r of rows) console.log(`${r.part.padEnd(5)} ${String(r.trials).padStart(6)}  ${min(r.seconds).padStart(15)}  ${min(r.wall).padStart(10)}`);
const work = rows.reduce((a, r) => a + r.seconds, 0);
const wall = (manifest.timingsMs?.total ?? 0) / 1000;
console.log(`total ${String(seen.size).padStart(6)}  ${min(work).padStart(15)}  ${min(wall).padStart(10)}`);
console.log(`work / ${cores} cores = ${min(work / cores)}: the shortest wall time with these kernels; the run took ${min(wall)} (${((100 * work) / cores / wall).toFixed(0)} % of the cores busy on average)`);
