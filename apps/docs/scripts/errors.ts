/**
 * The "what you see when something is wrong" table: each kind of bad input is really fed to the
 * built `ffnn` command (or a library function), and the table shows the exit code and the message
 * exactly as printed. Nothing in it is typed by hand.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx, parseCsv, parseIdx } from '@ffnn/datasets';

interface Row {
  kind: string;
  command: string;
  code: number | null;
  message: string;
}

/** Escapes a message for a markdown table cell that Vue compiles too (no raw `<`, `{{` or `|`). */
const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{/g, '&#123;').replace(/\}/g, '&#125;').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Runs every bad input in `cwd` and returns the markdown table (the caller checks that `cli` is built). */
export async function errorTable(cli: string, cwd: string): Promise<string> {
  writeFileSync(join(cwd, 'data.csv'), 'x1,x2,y\n1,2,3\n4,5,6\n7,8,9\n');
  writeFileSync(join(cwd, 'bad-cell.csv'), 'x1,x2,y\n1,2,3\n4,oops,6\n');
  writeFileSync(join(cwd, 'ragged.csv'), 'x1,x2,y\n1,2,3\n4,5\n');
  writeFileSync(join(cwd, 'old-model.json'), '{"format": "ffnn.model", "version": 9}');
  writeFileSync(join(cwd, 'spec.json'), '{"base": {"data": "runge"}, "grid": {"lr": []}}');
  writeFileSync(join(cwd, 'good-spec.json'), '{"base": {"data": "runge"}, "grid": {"lr": [0.001, 0.01]}}');
  spawnSync(process.execPath, [cli, 'train', '--n', '100', '--hidden', '4', '--epochs', '1', '--quiet', '--checkpoint', 'run.ckpt', '--checkpoint-every', '1'], { cwd });
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
    return { code: r.status, message: (r.stderr || r.stdout).trim().split('\n').filter((l) => l.trim() !== '').join(' ') };
  };
  const rows: Row[] = [];
  const cliCase = (kind: string, args: string[]) => rows.push({ kind, command: `ffnn ${args.join(' ')}`, ...run(args) });
  cliCase('unknown flag', ['train', '--epoch', '5']);
  cliCase('unknown command', ['trian']);
  cliCase('invalid choice', ['train', '--activation', 'swish']);
  cliCase('bad number', ['train', '--lr', '-1']);
  cliCase('bad layer list', ['train', '--hidden', '10,x']);
  cliCase('missing file', ['train', '--data', 'nope.csv', '--target', 'y']);
  cliCase('CSV without a target', ['train', '--data', 'data.csv']);
  cliCase('unknown target column', ['train', '--data', 'data.csv', '--target', 'price']);
  cliCase('non-numeric CSV cell', ['train', '--data', 'bad-cell.csv', '--target', 'y']);
  cliCase('ragged CSV row', ['train', '--data', 'ragged.csv', '--target', 'y']);
  cliCase('missing model', ['evaluate', 'model.json']);
  cliCase('model of another version', ['evaluate', 'old-model.json']);
  cliCase('training diverges', ['train', '--n', '300', '--optimizer', 'sgd', '--lr', '1e6', '--epochs', '3', '--quiet']);
  cliCase('bad sweep spec', ['sweep', 'run', 'spec.json', '--out', 'r.jsonl']);
  cliCase('bad shard', ['sweep', 'run', 'good-spec.json', '--out', 'r.jsonl', '--shard', '4/4']);
  cliCase('resume with other settings', ['train', '--resume', 'run.ckpt', '--hidden', '8']);

  // Ctrl-C during training: the real signal, sent once the first epochs are printed.
  await new Promise<void>((resolve) => {
    const args = ['train', '--n', '4000', '--hidden', '64,64', '--epochs', '200', '--save', 'interrupted.ffnn'];
    const child = spawn(process.execPath, [cli, ...args], { cwd });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && /epoch \d+\/200/.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      rows.push({ kind: 'Ctrl-C during training', command: `ffnn ${args.join(' ')}, then Ctrl-C`, code, message: err.trim().split('\n').filter((l) => l.trim() !== '').join(' ') });
      resolve();
    });
  });

  // Library errors (what `@ffnn/datasets` throws; the CLI prints the same messages).
  const lib = (kind: string, call: string, f: () => unknown) => {
    try {
      f();
      rows.push({ kind, command: call, code: null, message: '(no error)' });
    } catch (error) {
      rows.push({ kind, command: call, code: null, message: `${(error as Error).name}: ${(error as Error).message}` });
    }
  };
  const idx = encodeIdx([2, 2], new Uint8Array([1, 2, 3, 4]));
  lib('truncated IDX file', 'parseIdx(bytes.subarray(0, 10), "images.idx")', () => parseIdx(idx.subarray(0, 10), 'images.idx'));
  lib('wrong IDX magic', 'parseIdx(new Uint8Array([1, 2, 3, 4]), "labels.idx")', () => parseIdx(new Uint8Array([1, 2, 3, 4]), 'labels.idx'));
  lib('NaN in a CSV', 'parseCsv("a,y\\n1,NaN\\n", { source: "t.csv", target: "y" })', () => parseCsv('a,y\n1,NaN\n', { source: 't.csv', target: 'y' }));

  const head = '| bad input | what was run | exit code | message |\n| --- | --- | --- | --- |';
  return `${head}\n${rows.map((r) => `| ${r.kind} | <code>${escape(r.command)}</code> | ${r.code ?? '—'} | ${escape(r.message)} |`).join('\n')}\n`;
}
