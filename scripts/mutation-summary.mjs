#!/usr/bin/env node
// Summarises reports/mutation/<package>/report.json: counts by status and, with --list, every mutant
// that no test killed (file:line:column, mutator, replacement) — the list docs/mutation.md works from.
// Pieces of a package (`layers:activations` → reports/mutation/layers-activations) are summed on a
// last line when more than one name is given.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const list = args.includes('--list');
const total = {};
const names = args.filter((a) => !a.startsWith('--'));
const line = (name, count) => {
  const n = (s) => count[s] ?? 0;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  return `${name}: mutants ${valid + n('CompileError') + n('RuntimeError') + n('Ignored')}, killed ${n('Killed')}, survived ${n('Survived')}, timeout ${n('Timeout')}, no coverage ${n('NoCoverage')}, errors ${n('CompileError') + n('RuntimeError')}, score ${(100 * detected / valid).toFixed(2)} %`;
};
for (const name of names) {
  const report = JSON.parse(readFileSync(new URL(`../reports/mutation/${name.replace(':', '-')}/report.json`, import.meta.url), 'utf8'));
  const count = {};
  const open = [];
  // A survivor for which no test ran: its tests failed to load or to collect (e.g. code at a test
  // file's top level that the mutant breaks), so the run could not judge it. Reported apart.
  const unrun = [];
  for (const [file, { mutants, source }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const m of mutants) {
      count[m.status] = (count[m.status] ?? 0) + 1;
      total[m.status] = (total[m.status] ?? 0) + 1;
      if (m.status === 'Survived' && m.testsCompleted === 0) unrun.push(`${file}:${m.location.start.line}`);
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const { line, column } = m.location.start;
        open.push(`${m.status === 'Survived' ? 'S' : 'N'} ${file}:${line}:${column} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}  | ${lines[line - 1].trim().slice(0, 110)}`);
      }
    }
  }
  console.log(line(name, count));
  if (unrun.length) console.log(`  of the survivors, ${unrun.length} ran no test (a test file that fails to load or collect under the mutant, or a static mutant that breaks the module): ${unrun.join(' ')}`);
  if (list) for (const l of open) console.log(l);
}
if (names.length > 1) console.log(line('total', total));
