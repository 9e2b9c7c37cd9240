import { describe, expect, it } from 'vitest';
import { EXPLORER_ACTIVATIONS, linspace, sampleActivation } from '../src/explain/activations.js';
import { TINY, backpropSteps } from '../src/explain/backprop.js';
import { PATH_OPTIMIZERS, SURFACES, optimizerPath } from '../src/explain/optimizers.js';

describe('activation explorer', () => {
  it('the package derivative agrees with the central difference away from kinks, for every activation', () => {
    const z = linspace(-5, 5, 101).map((v) => v + 0.013); // never exactly on the kink at 0
    for (const name of EXPLORER_ACTIVATIONS) {
      const s = sampleActivation(name, z);
      // Absolute agreement everywhere; relative where the derivative is not itself near zero (in the
      // flat tails the difference quotient's rounding, ~1e-16/h, is all that is left).
      s.analytic.forEach((g, i) => {
        expect(Math.abs(g - s.numeric[i]!), `${name} at z = ${z[i]}`).toBeLessThan(1e-9);
        if (Math.abs(g) > 1e-3) expect(s.relError[i]!, `${name} at z = ${z[i]}`).toBeLessThan(1e-7);
      });
    }
  });

  it('shows the known values: sigmoid′(0) = 1/4, tanh′(0) = 1, leaky ReLU slope α left of 0', () => {
    expect(sampleActivation('sigmoid', [0]).analytic[0]).toBeCloseTo(0.25, 15);
    expect(sampleActivation('tanh', [0]).analytic[0]).toBeCloseTo(1, 15);
    expect(sampleActivation('leaky-relu', [-2], 1e-5, 0.1).analytic[0]).toBeCloseTo(0.1, 15);
    expect(sampleActivation('relu', [-1, 2]).a).toEqual([0, 2]);
  });

  it('at the ReLU kink the one-sided derivative (0) and the central difference (1/2) disagree, and it says so', () => {
    const s = sampleActivation('relu', [0]);
    expect(s.analytic[0]).toBe(0);
    expect(s.numeric[0]).toBeCloseTo(0.5, 12);
    expect(s.relError[0]).toBe(1);
  });

  it('rejects a step that is not a positive number', () => {
    expect(() => sampleActivation('tanh', [0], 0)).toThrow(/step h/);
  });
});

describe('backpropagation step-through', () => {
  it('computes the hand-derived gradients of the tiny network, and gradCheck agrees', () => {
    const { steps, worstRelError, loss } = backpropSteps();
    // By hand: z1 = x·W1 + b1, a1 = tanh(z1), ŷ = a1·W2 + b2, J = (ŷ − y)².
    const [x1, x2] = TINY.x[0]!;
    const z1 = [0, 1].map((j) => x1! * TINY.W1[0]![j]! + x2! * TINY.W1[1]![j]! + TINY.b1[0]![j]!);
    const a1 = z1.map(Math.tanh);
    const yhat = a1[0]! * TINY.W2[0]![0]! + a1[1]! * TINY.W2[1]![0]! + TINY.b2[0]![0]!;
    const d2 = 2 * (yhat - TINY.y[0]![0]!);
    expect(loss).toBeCloseTo((yhat - TINY.y[0]![0]!) ** 2, 14);
    const byTitle = (t: string) => steps.find((s) => s.title.startsWith(t))!;
    expect(byTitle('Output delta').values[0]!.value[0]![0]).toBeCloseTo(d2, 14);
    const d1 = [0, 1].map((j) => d2 * TINY.W2[j]![0]! * (1 - a1[j]! ** 2));
    const delta1 = byTitle('Hidden delta').values[0]!.value[0]!;
    d1.forEach((v, j) => expect(delta1[j]).toBeCloseTo(v, 14));
    const dW1 = byTitle('Hidden layer gradients').values[0]!.value;
    for (const i of [0, 1]) d1.forEach((d, j) => expect(dW1[i]![j]).toBeCloseTo(TINY.x[0]![i]! * d, 14));
    expect(worstRelError).toBeLessThan(1e-8);
    expect(steps.at(-1)!.pass).toBe('check');
  });

  it('works for sigmoid and ReLU hidden units too', () => {
    for (const hidden of ['sigmoid', 'relu'] as const) expect(backpropSteps({ ...TINY, hidden }).worstRelError, hidden).toBeLessThan(1e-8);
  });
});

describe('optimizer paths', () => {
  it('SGD takes the hand-computed first step θ − η∇J, Adam one of length ≈ η per coordinate', () => {
    const bowl = SURFACES.bowl;
    const sgd = optimizerPath(bowl, 'sgd', 0.18, 1);
    // θ0 = (−2.2, 1), ∇J = (x, 10y) = (−2.2, 10): θ1 = (−2.2 + 0.396, 1 − 1.8).
    expect(sgd.x[1]).toBeCloseTo(-1.804, 14);
    expect(sgd.y[1]).toBeCloseTo(-0.8, 14);
    const adam = optimizerPath(bowl, 'adam', 0.1, 1);
    expect(adam.x[1]! - adam.x[0]!).toBeCloseTo(0.1, 6);
    expect(adam.y[1]! - adam.y[0]!).toBeCloseTo(-0.1, 6);
  });

  it('every optimizer at the page defaults goes downhill on both surfaces and stays finite; Adam reaches the minimum', () => {
    for (const surface of Object.values(SURFACES)) {
      for (const name of PATH_OPTIMIZERS) {
        const p = optimizerPath(surface, name, surface.lr[name], surface.steps);
        expect(p.loss, `${surface.name} ${name}`).toHaveLength(surface.steps + 1);
        expect(p.loss.at(-1)!, `${surface.name} ${name}`).toBeLessThan(p.loss[0]! / 2);
      }
      const adam = optimizerPath(surface, 'adam', surface.lr.adam, surface.steps);
      expect(Math.hypot(adam.x.at(-1)! - surface.minimum[0], adam.y.at(-1)! - surface.minimum[1]), surface.name).toBeLessThan(0.1);
    }
  });

  it('stops at the last finite point when a learning rate is far too large', () => {
    const p = optimizerPath(SURFACES.rosenbrock, 'sgd', 1, 500);
    expect(p.loss.length).toBeLessThan(501);
    expect(p.loss.every(Number.isFinite)).toBe(true);
  });
});
