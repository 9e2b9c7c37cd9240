import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/index.js';
import { studyBSpec } from '../src/study/part-b.js';
import { studyESpec } from '../src/study/part-e.js';
import { studyFSpec } from '../src/study/part-f.js';
import { studyGSpec } from '../src/study/part-g.js';
import { settingsFor } from '../src/study/profiles.js';
import { expandTrials, readSpec } from '../src/sweep/spec.js';

const root = new URL('../../../', import.meta.url).pathname;

/** Parses an `ffnn …` command line with the real CLI, without running it. */
function parses(line: string): void {
  const args = line
    .replace(/\\\n/g, ' ')
    // Substitute the scheduler's variables as it would: index 0 of 4 shards, defaults where given.
    .replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_, _v: string, d: string) => d)
    .replace(/\$\{?([A-Z_]+)\}?/g, (_, v: string) => ({ SLURM_ARRAY_TASK_COUNT: '4', SHARD_COUNT: '4' } as Record<string, string>)[v] ?? (v.endsWith('_ID') || v.endsWith('_INDEX') ? '0' : 'value'))
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => a.replace(/^"|"$/g, ''));
  const program = createProgram();
  for (const cmd of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (cmd !== program) cmd.action(() => undefined);
  }
  program.parse(['node', ...args]);
}

describe('deploy files', () => {
  it('SLURM scripts are valid bash and their ffnn command lines parse', () => {
    for (const f of readdirSync(join(root, 'deploy/slurm'))) {
      const path = join(root, 'deploy/slurm', f);
      expect(spawnSync('bash', ['-n', path]).status).toBe(0);
      const text = readFileSync(path, 'utf8').replace(/\\\n\s*/g, ' ');
      for (const m of text.matchAll(/\$FFNN (sweep [^\n]+)/g)) expect(() => parses(`ffnn ${m[1]!}`)).not.toThrow();
    }
  });
  it('the Kubernetes manifest is valid YAML with an Indexed Job whose ffnn command lines parse', () => {
    const docs = parseAllDocuments(readFileSync(join(root, 'deploy/k8s/sweep-job.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    const job = docs.find((d) => d.kind === 'Job' && (d.spec as { completionMode?: string }).completionMode === 'Indexed') as { spec: { completions: number; template: { spec: { containers: { args: string[] }[] } } } };
    expect(job.spec.completions).toBe(9);
    const args = docs.filter((d) => d.kind === 'Job').flatMap((d) => (d as typeof job).spec.template.spec.containers.flatMap((c) => c.args));
    for (const a of args) for (const cmd of a.split('&&').map((s) => s.trim()).filter((s) => s.startsWith('ffnn '))) expect(() => parses(cmd)).not.toThrow();
  });
  it('the Kubernetes manifest passes the API schemas (kubernetes-models, offline)', () => {
    const text = readFileSync(join(root, 'deploy/k8s/sweep-job.yaml'), 'utf8');
    const validate = (yaml: string) =>
      parseAllDocuments(yaml).map((d) => {
        const doc = d.toJS() as { kind: string };
        try {
          if (doc.kind === 'Job') new Job(doc as ConstructorParameters<typeof Job>[0]).validate();
          else if (doc.kind === 'PersistentVolumeClaim') new PersistentVolumeClaim(doc as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate();
          else return `no schema here for kind ${doc.kind}`;
          return 'valid';
        } catch (error) {
          return (error as Error).message;
        }
      });
    expect(validate(text)).toEqual(['valid', 'valid', 'valid']);
    // The validator does reject what the API server would: a wrong enum value, a string count, a nameless container.
    const broken = text.replace('completionMode: Indexed', 'completionMode: indexed').replace('parallelism: 9', 'parallelism: "9"').replace('- name: merge', '- image: x');
    expect(validate(broken)).toEqual(['valid', expect.stringMatching(/spec\/completionMode must be equal to one of the allowed values.*spec\/parallelism must be integer/), expect.stringMatching(/containers\/0 must have required property name/)]);
  });
  it('the study specs are valid and expand to the study grids', () => {
    // Each cluster spec and the grid of `reproduce --profile full` for that part are the same trials.
    const b = expandTrials(readSpec(join(root, 'sweeps/study-b-full.yaml')));
    expect(b).toHaveLength(24 * 5);
    expect(b.map((t) => t.id)).toEqual(expandTrials(studyBSpec(settingsFor('full'), 1993)).map((t) => t.id));
    const f = expandTrials(readSpec(join(root, 'sweeps/study-f-full.yaml')));
    expect(f).toHaveLength(27 * 3);
    expect(f.map((t) => t.id)).toEqual(expandTrials(studyFSpec(settingsFor('full'), 1993)).map((t) => t.id));
    const g = expandTrials(readSpec(join(root, 'sweeps/study-g-full.yaml')));
    expect(g).toHaveLength(9 * 3 + 3);
    expect(g.map((t) => t.id)).toEqual(expandTrials(studyGSpec(settingsFor('full'), 1993)).map((t) => t.id));
    const e = expandTrials(readSpec(join(root, 'sweeps/study-e-full.yaml')));
    expect(e).toHaveLength(48 * 5);
    // The cluster spec and `reproduce --profile full` part (e) are the same trials.
    expect(e.map((t) => t.id)).toEqual(expandTrials(studyESpec(settingsFor('full'), 1993)).map((t) => t.id));
  });
});
