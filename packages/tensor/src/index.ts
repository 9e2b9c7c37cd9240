export {
  FfnnError,
  ShapeError,
  InvalidOptionError,
  DataFormatError,
  NumericError,
  StateError,
  checkNumber,
  checkChoice,
  formatValue,
  type FfnnErrorCode,
} from './errors.js';
export {
  Matrix,
  allocate,
  dtypeOf,
  assertShape,
  assertSameShape,
  assertFinite,
  type DType,
  type FloatArray,
} from './matrix.js';
export {
  matmul,
  gemm,
  addRowVector,
  sum,
  mean,
  sumAll,
  argmaxRows,
  gatherRows,
  copy,
  fill,
  map,
  zip,
  add,
  sub,
  hadamard,
  scale,
  axpy,
  signAxpy,
  maskedScale,
  transpose,
  dot,
  norm,
  maxAbs,
  isFinite,
  type MatmulOptions,
} from './ops.js';
export {
  jsBackend, getBackend, setBackend, withBackend, kernels, backendInfo, allocateMatrix, type KernelBackend, type Kernels, type BackendInfo,
  type AdamStepScalars,
} from './backend.js';
export {
  biasReluForward, reluBackward, scaledDifference, differenceOver, softmaxRows, sigmoid, sigmoidBackward, tanh, tanhBackward, gelu, geluBackward, leakyRelu, leakyReluBackward, bytesToFloat,
} from './fused.js';
export { capture, hostCompute, CaptureDeclined, type Replay } from './capture.js';
export { toCsr, gemmCsr, fromCsr, type CsrMatrix } from './csr.js';
export { sameBits } from './bits.js';
export {
  createWasmBackend,
  createWasmBackendSync,
  wasmSimdSupported,
  useFastestBackend,
  type WasmBackendOptions,
} from './wasm/backend.js';
export { Rng, type RngState } from './rng.js';
export { log as portableLog } from './fdlibm-log.js';
export { exp as portableExp } from './fdlibm-exp.js';
export { tanh as portableTanh, expm1 as portableExpm1 } from './fdlibm-tanh.js';
export { encodeSafetensors, decodeSafetensors, type SafetensorsLimits, type SafetensorsContent } from './safetensors.js';
export { parseJsonSafely, isForbiddenKey } from './json.js';
