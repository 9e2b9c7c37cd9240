import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../sweep/results.js';
import { runGrid } from './grid.js';
import { STUDY_G_OPTIMIZERS, partG, studyGSpec } from './part-g.js';
import { settingsFor } from './profiles.js';
import type { PartResult, StudyContext } from './types.js';

describe('part (g) counts every trained network once', () => {
  it('does not count again the grid trials an earlier part of the invocation trained', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ffnn-part-g-'));
    try {
      const ctx: StudyContext = { profile: 'test', seed: 5, outDir, log: () => {}, png: false, previous: {}, trialRecords: new Map<string, TrialRecord>() };
      // An earlier part trains the η × λ2 grid's trials (same ids: the spec without its optimizer list).
      const { list: _optimizers, ...gridOnly } = studyGSpec(settingsFor('test'), ctx.seed);
      const earlier = await runGrid(ctx, 'f', gridOnly);
      const f = { part: 'f', runs: earlier.length, methods: [], nonFinite: [] } as unknown as PartResult;
      const g = await partG({ ...ctx, previous: { f } });
      const optimizers = STUDY_G_OPTIMIZERS.length;
      expect(g.runs).toBe(optimizers);
      const total = earlier.length + optimizers;
      expect(g.commentary.join(' ')).toContain(`No NaN or ±Inf occurred in any of the ${total} training runs of this invocation.`);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
