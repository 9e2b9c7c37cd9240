export {
  type Activation,
  type ActivationName,
  ACTIVATIONS,
  activation,
  leakyRelu,
  sigmoidForward,
  sigmoidBackward,
  reluForward,
  reluBackward,
  leakyReluForward,
  leakyReluBackward,
  tanhForward,
  tanhBackward,
  linearForward,
  linearBackward,
  softmaxForward,
  softmaxBackward,
  geluForward,
  geluBackward,
} from './activations.js';
export {
  type Loss,
  type LossName,
  LOSSES,
  loss,
  checkOutputPairing,
  outputDelta,
  mseValue,
  mseGradient,
  crossEntropyValue,
  crossEntropyGradient,
  binaryCrossEntropyValue,
  binaryCrossEntropyGradient,
} from './losses.js';
export { l1Value, l1Gradient, l2Value, l2Gradient } from './penalties.js';
export { type InitName, INITS, defaultInit, initVariance, initWeights } from './init.js';
export { denseForward, denseBackward } from './dense.js';
export { applyDropout, drawDropoutMask, dropoutForward, dropoutBackward } from './dropout.js';
export {
  Sequential,
  type SequentialOptions,
  type SequentialJSON,
  type MlpOptions,
  type LayerSpec,
  type DenseLayer,
  type ForwardOptions,
} from './network.js';
export {
  fit,
  fitAsync,
  evaluate,
  type FitOptions,
  type FitCallbacks,
  type BatchInfo,
  type EpochInfo,
  type EarlyStoppingOptions,
  type History,
  type Evaluation,
  type TrainingState,
} from './fit.js';
export { type RowSource, type Targets, asRowSource } from './sources.js';
export { unitDiagnostics, type LayerDiagnostics } from './diagnostics.js';
export { checkFiniteOutputs } from './finite-outputs.js';
export { encodeNetwork, decodeNetwork, encodeTrainingState, decodeTrainingState } from './serialize.js';
export { exportOnnx } from './onnx.js';
