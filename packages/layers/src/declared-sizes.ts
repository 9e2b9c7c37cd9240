import { InvalidOptionError, ShapeError, checkNumber } from '@ffnn/tensor';

/** Fails with an InvalidOptionError unless `v` is an integer ≥ `min`. */
export function checkInteger(name: string, v: unknown, min: number): number {
  return checkNumber(name, v, (x) => Number.isInteger(x) && x >= min, `an integer ≥ ${min}`);
}

/** How many weights and biases a file actually holds for one layer. */
export interface PresentSizes {
  W: number;
  b: number;
}

/**
 * Checks the sizes a network file declares against the numbers it holds, before anything is
 * allocated: layer l reads the previous layer's units (`inputSize` for the first), so its W must
 * hold inputs × units numbers and its b units. A file that lies about a width is refused in time
 * proportional to its layer count instead of allocating what the width asks for.
 */
export function checkDeclaredSizes(inputSize: unknown, layers: readonly unknown[], present: (l: number) => PresentSizes): void {
  let inputs = checkInteger('inputSize', inputSize, 1);
  layers.forEach((layer, l) => {
    if (typeof layer !== 'object' || layer === null) throw new InvalidOptionError(`layers[${l}] must be an object { units, activation, W, b }`);
    const units = checkInteger(`layers[${l}].units`, (layer as { units?: unknown }).units, 1);
    const { W, b } = present(l);
    const name = `layer ${l + 1} Dense(${inputs}→${units})`;
    // A product past 2^53 is rounded, but stays far above the length of any array that exists.
    if (inputs * units !== W) throw new ShapeError(`${name}: W needs ${inputs} × ${units} = ${inputs * units} numbers, the file holds ${W}`);
    if (units !== b) throw new ShapeError(`${name}: b needs ${units} numbers, the file holds ${b}`);
    inputs = units;
  });
}
