import { describe, expect, it } from 'vitest';
import { RungeTrainer, parseHidden } from '../src/playground/runge.js';

describe('the code examples the site shows', () => {
  it('first-network.ts fits the Runge function', async () => {
    const { history, yhat } = await import('../examples/first-network.js');
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]! / 10);
    expect(yhat.rows).toBe(200);
  });

  it('first-network-browser.ts predicts f(0) ≈ 1 and f(±0.5) ≈ 0.138', async () => {
    const { at } = await import('../examples/first-network-browser.js');
    expect(at[1]!).toBeGreaterThan(0.8);
    expect(Math.abs(at[0]! - 0.138)).toBeLessThan(0.1);
    expect(Math.abs(at[2]! - 0.138)).toBeLessThan(0.1);
  });
});

describe('the Runge playground trainer', () => {
  it('parses hidden layer widths and rejects nonsense', () => {
    expect(parseHidden('50, 50')).toEqual([50, 50]);
    expect(parseHidden('none')).toEqual([]);
    expect(() => parseHidden('50,x')).toThrow(/widths/);
    expect(() => parseHidden('0')).toThrow(/widths/);
  });

  it('trains a few epochs per step, the same trajectory whatever the step size', () => {
    const settings = { hidden: [20], activation: 'tanh' as const, optimizer: 'adam' as const, lr: 0.01, epochs: 12 };
    const a = new RungeTrainer(settings);
    while (!a.done) a.step(5);
    const b = new RungeTrainer(settings);
    while (!b.done) b.step(1);
    expect(a.epoch).toBe(12);
    expect(a.trainLoss).toEqual(b.trainLoss);
    expect(a.trainLoss.at(-1)!).toBeLessThan(a.trainLoss[0]!);
    expect(a.step(3)).toBe(0);
    const c = a.curve(11);
    expect(c.x).toHaveLength(11);
    expect(c.f[5]).toBe(1);
  });
});
