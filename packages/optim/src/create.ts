import { InvalidOptionError, checkChoice } from '@ffnn/tensor';
import { AdaGrad, type AdaGradOptions } from './adagrad.js';
import { Adam, type AdamOptions } from './adam.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { SGD, type SGDOptions } from './sgd.js';
import type { Optimizer, OptimizerName } from './types.js';
import { checkKeys } from './validate.js';

/** Every optimizer name, in a stable order (for CLI help and validation). */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'];

/** The options {@link createOptimizer} accepts for each name. */
export interface OptimizerOptionsMap {
  /** Plain stochastic gradient descent ({@link SGD}). */
  sgd: SGDOptions;
  /** SGD with heavy-ball momentum (default 0.9). */
  momentum: SGDOptions;
  /** SGD with Nesterov momentum (default 0.9). */
  nesterov: SGDOptions;
  /** {@link AdaGrad}. */
  adagrad: AdaGradOptions;
  /** {@link RMSprop}. */
  rmsprop: RMSpropOptions;
  /** {@link Adam}. */
  adam: AdamOptions;
  /** {@link AdamW}: Adam with decoupled weight decay. */
  adamw: AdamWOptions;
}

/**
 * Builds an optimizer by name. Defaults: `sgd` (lr 0.01), `momentum` (SGD, lr 0.01, momentum 0.9),
 * `nesterov` (SGD, lr 0.01, momentum 0.9, Nesterov), `adagrad` (lr 0.01), `rmsprop` (lr 1e-3, β 0.9),
 * `adam` and `adamw` (lr 1e-3). Options contradicting the name (`momentum` with `momentum: 0`,
 * `momentum` with `nesterov: true`, `nesterov` with `nesterov: false`) are rejected.
 *
 * @example
 * ```ts
 * const opt = createOptimizer('adam', { lr: 0.01 });
 * ```
 */
export function createOptimizer<N extends OptimizerName>(name: N, options?: OptimizerOptionsMap[N]): Optimizer {
  checkChoice('optimizer', name, OPTIMIZER_NAMES);
  switch (name) {
    case 'sgd':
      return new SGD(options);
    case 'momentum':
    case 'nesterov':
      return sgdVariant(name, options === undefined ? {} : options);
    case 'adagrad':
      return new AdaGrad(options);
    case 'rmsprop':
      return new RMSprop(options);
    case 'adam':
      return new Adam(options);
    case 'adamw':
      return new AdamW(options);
  }
}

function sgdVariant(name: 'momentum' | 'nesterov', options: SGDOptions): SGD {
  checkKeys('SGD', 'options', options, ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay']);
  const opt = new SGD({ momentum: 0.9, nesterov: name === 'nesterov', ...definedEntries(options) });
  if (opt.name !== name) {
    throw new InvalidOptionError(
      `optimizer ${JSON.stringify(name)}: options ${JSON.stringify(options)} describe ${JSON.stringify(opt.name)}; ` +
        `"momentum" needs momentum > 0 and nesterov false, "nesterov" needs momentum > 0 and nesterov true`,
    );
  }
  return opt;
}

function definedEntries(options: SGDOptions): SGDOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
