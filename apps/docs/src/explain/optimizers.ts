import { createOptimizer } from '@ffnn/optim';
import { Matrix } from '@ffnn/tensor';

/** The optimizers the page compares, with the hyperparameters of `createOptimizer`'s defaults besides `lr`. */
export const PATH_OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam'] as const;
export type PathOptimizer = (typeof PATH_OPTIMIZERS)[number];

/** A 2-D loss surface with its gradient, the region to draw and where the paths start. */
export interface Surface {
  name: string;
  /** The formula, in plain Unicode. */
  formula: string;
  f(x: number, y: number): number;
  grad(x: number, y: number): [number, number];
  xRange: [number, number];
  yRange: [number, number];
  start: [number, number];
  minimum: [number, number];
  /** Learning rates that show each optimizer's character on this surface. */
  lr: Record<PathOptimizer, number>;
  /** Steps the page runs by default. */
  steps: number;
}

export const SURFACES = {
  /** An elongated bowl: curvature 10× larger along y than along x. */
  bowl: {
    name: 'Elongated bowl',
    formula: 'J(x, y) = (x² + 10y²) / 2',
    f: (x: number, y: number) => (x * x + 10 * y * y) / 2,
    grad: (x: number, y: number): [number, number] => [x, 10 * y],
    xRange: [-2.5, 2.5],
    yRange: [-1.5, 1.5],
    start: [-2.2, 1],
    minimum: [0, 0],
    lr: { sgd: 0.18, momentum: 0.03, rmsprop: 0.05, adam: 0.1 },
    steps: 100,
  },
  /** Rosenbrock's banana valley: easy to find, slow to follow to the minimum at (1, 1). */
  rosenbrock: {
    name: 'Rosenbrock valley',
    formula: 'J(x, y) = (1 − x)² + 100(y − x²)²',
    f: (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: (x: number, y: number): [number, number] => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    xRange: [-2, 2],
    yRange: [-1, 3],
    start: [-1.5, 2.5],
    minimum: [1, 1],
    lr: { sgd: 0.001, momentum: 0.0004, rmsprop: 0.01, adam: 0.05 },
    steps: 1000,
  },
} satisfies Record<string, Surface>;
export type SurfaceName = keyof typeof SURFACES;

/** A path of an optimizer: the point and the loss after each step (index 0 is the start). */
export interface OptimizerPath {
  optimizer: PathOptimizer;
  lr: number;
  x: number[];
  y: number[];
  loss: number[];
}

/**
 * Runs `@ffnn/optim`'s optimizer (the one `fit` uses) on the surface: the parameters are one 1×2
 * matrix θ = (x, y), its gradient the surface's; `steps` calls of `step`. Stops early if θ leaves
 * every finite number (the path then ends at its last finite point).
 */
export function optimizerPath(surface: Surface, optimizer: PathOptimizer, lr: number, steps: number, start: [number, number] = surface.start): OptimizerPath {
  const opt = createOptimizer(optimizer, { lr });
  const theta = Matrix.from([start]);
  const g = Matrix.zeros(1, 2);
  const path: OptimizerPath = { optimizer, lr, x: [start[0]], y: [start[1]], loss: [surface.f(start[0], start[1])] };
  for (let t = 0; t < steps; t++) {
    const [gx, gy] = surface.grad(theta.data[0]!, theta.data[1]!);
    g.data[0] = gx;
    g.data[1] = gy;
    opt.step([theta], [g]);
    const [x, y] = [theta.data[0]!, theta.data[1]!];
    const J = surface.f(x, y);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(J)) break;
    path.x.push(x);
    path.y.push(y);
    path.loss.push(J);
  }
  return path;
}
