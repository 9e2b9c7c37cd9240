import { Sequential, checkFiniteOutputs } from '@ffnn/layers';
import { DataFormatError, FfnnError, Matrix } from '@ffnn/tensor';

/**
 * The MNIST playground's model loader. The file is fetched from the site, so it gets the checks of
 * any model from elsewhere: the library's (every declared width against the weights present, before
 * anything is allocated; finite weights), then what the playground needs (28×28 pixels in, 10 class
 * probabilities out), then finite outputs on a blank image, a first forward pass.
 */
export function mnistModelFromJSON(file: unknown, source: string): Sequential {
  const fail = (message: string): never => {
    throw new DataFormatError(`${source}: ${message}`);
  };
  if (typeof file !== 'object' || file === null) fail('not an ffnn model file');
  const { network, preprocessing } = file as { network?: unknown; preprocessing?: { kind?: unknown } };
  if (preprocessing?.kind !== 'pixels') fail('the model does not take MNIST pixels (its preprocessing is not "pixels")');
  try {
    const net = Sequential.fromJSON(network);
    if (net.inputSize !== 784 || net.outputSize !== 10) fail(`the network is ${net.inputSize} → ${net.outputSize}; the playground needs 784 pixels → 10 digits`);
    digitProbabilities(net, new Float64Array(784));
    return net;
  } catch (error) {
    if (error instanceof FfnnError && !error.message.startsWith(`${source}: `)) fail(error.message);
    throw error;
  }
}

/** Class probabilities of one 784-pixel image; a non-finite output fails in the model's terms (see checkFiniteOutputs). */
export function digitProbabilities(net: Sequential, pixels: ArrayLike<number>): number[] {
  return Array.from(checkFiniteOutputs(net.predict(Matrix.fromArray(1, pixels.length, pixels, net.dtype))).data);
}
