/** @ffnn/autodiff-check: central-difference gradient checks and fast-check arbitraries for ffnn. */
export { gradCheck, type GradCheckOptions, type GradCheckEntry, type GradCheckReport } from './grad-check.js';
export { formatGradCheckTable, assertGradCheck, GradCheckFailedError } from './format.js';
export { arbShape, arbMatrix, arbMatrixOfShape, type ShapeOptions, type MatrixValueOptions } from './arbitraries.js';
export {
  arbNetworkSpec,
  ACTIVATION_NAMES,
  LOSS_NAMES,
  type ActivationName,
  type LossName,
  type NetworkSpec,
  type NetworkSpecOptions,
} from './network-spec.js';
