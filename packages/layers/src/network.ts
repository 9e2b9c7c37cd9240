import {
  type DType,
  type FloatArray,
  InvalidOptionError,
  type KernelBackend,
  Matrix,
  type Replay,
  Rng,
  ShapeError,
  StateError,
  allocateMatrix,
  argmaxRows,
  checkChoice,
  capture,
  checkNumber,
  getBackend,
} from '@ffnn/tensor';
import { ACTIVATIONS, type Activation, type ActivationName, activation } from './activations.js';
import { checkInteger } from './declared-sizes.js';
import { type DenseBuffers, allocateBuffers, checkDenseInput, denseActivationForward, denseBackward } from './dense.js';
import { applyDropout, drawDropoutMask, dropoutBackward } from './dropout.js';
import { INITS, type InitName, defaultInit, initWeights } from './init.js';
import { LOSSES, type Loss, type LossName, checkOutputPairing, loss as lossByName, outputDelta } from './losses.js';
import { l1Gradient, l1Value, l2Gradient, l2Value } from './penalties.js';
import { type FitOptions, type History, fit as fitNetwork, fitAsync as fitNetworkAsync, evaluate as evaluateNetwork, type Evaluation } from './fit.js';
import { type RowSource, type Targets, asRowSource, identityIndex } from './sources.js';
import { type SequentialJSON, networkToJSON, readNetworkJSON, setValues } from './network-json.js';

export type { SequentialJSON } from './network-json.js';

/** One dense layer of a {@link Sequential} network. */
export interface LayerSpec {
  /** Number of units (columns of the layer's output). */
  units: number;
  /** Activation; default `relu` for hidden layers. The last layer's activation is the output activation. */
  activation?: ActivationName;
  /** Leaky-ReLU slope (default 0.01). */
  alpha?: number;
  /** Inverted-dropout rate on this layer's output during training, in [0, 1); default 0. */
  dropout?: number;
  /** Weight initialiser; default He-normal for ReLU-family, Xavier-normal otherwise. */
  init?: InitName;
}

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Number of input features. */
  inputSize: number;
  /** Hidden layers and, last, the output layer. */
  layers: LayerSpec[];
  /** Loss; must fit the output activation (see {@link checkOutputPairing}). */
  loss: LossName;
  /** L1 penalty λ₁ Σ|w| on weights (added to the batch loss, not divided by the batch size). Default 0. */
  lambda1?: number;
  /** L2 penalty (λ₂/2) Σw² on weights, gradient λ₂w; equal to PyTorch's coupled `weight_decay = λ₂`. Default 0. */
  lambda2?: number;
  /** Whether λ₁/λ₂ also apply to biases. Default false. */
  penalizeBias?: boolean;
  /** Element type of weights and activations. Default `float64`. */
  dtype?: DType;
  /** Seed of the weight initialisation (layer by layer, row-major). Default 1993. */
  seed?: number;
  /** Allow MSE on a softmax output (normally an error). */
  allowMseOnSoftmax?: boolean;
}

/** A convenience description of a multilayer perceptron for {@link Sequential.mlp}. */
export interface MlpOptions extends Omit<SequentialOptions, 'layers'> {
  /** Widths of the hidden layers, e.g. `[50, 50]`. */
  hidden: number[];
  /** Activation of every hidden layer. Default `relu`. */
  activation?: ActivationName;
  /** Leaky-ReLU slope. */
  alpha?: number;
  /** Number of outputs. */
  outputSize: number;
  /** Output activation; default: linear for MSE, softmax for cross-entropy, sigmoid for binary cross-entropy. */
  outputActivation?: ActivationName;
  /** Dropout rate of every hidden layer. */
  dropout?: number;
}

/** A trainable dense layer: weights, biases, gradients and per-batch-size buffers. */
export interface DenseLayer {
  /** Number of inputs (rows of `W`). */
  readonly inputSize: number;
  /** Number of units (columns of `W`). */
  readonly units: number;
  /** The layer's activation φ. */
  readonly activation: Activation;
  /** Inverted-dropout rate on the layer's output during training (0: none). */
  readonly dropout: number;
  /** How the weights were initialised. */
  readonly init: InitName;
  /** Weights, inputSize × units. */
  readonly W: Matrix;
  /** Biases, 1 × units. */
  readonly b: Matrix;
  /** ∂L/∂W of the last {@link Sequential.computeGradients}. */
  readonly dW: Matrix;
  /** ∂L/∂b of the last {@link Sequential.computeGradients}. */
  readonly db: Matrix;
}

interface LayerState extends DenseLayer {
  buffers: Map<number, DenseBuffers>;
}

/** The kernel calls of {@link Sequential.backpropagate} for one batch buffer, captured once (see `capture`). */
interface CapturedStep {
  backend: KernelBackend;
  X: FloatArray;
  Y: FloatArray;
  cols: number;
  training: boolean;
  /** Undefined when the backend cannot capture or the pass computes on the host. */
  replay: Replay | undefined;
}

/** Options of a forward pass. */
export interface ForwardOptions {
  /** Training mode: dropout is applied (needs `rng`). Default false. */
  training?: boolean;
  /** Random stream for dropout masks. */
  rng?: Rng;
}

/**
 * Layer `l` of a network from its spec, every option checked by name: `fanIn` inputs, its weights
 * drawn from `rng` by its initialiser. Weights, gradients and buffers live where the installed
 * backend reads them without copies.
 */
function buildLayer(spec: LayerSpec, l: number, last: boolean, fanIn: number, dtype: DType, rng: Rng): LayerState {
  const units = checkInteger(`layers[${l}].units`, spec.units, 1);
  const actName = checkChoice(`layers[${l}].activation`, spec.activation ?? 'relu', ACTIVATIONS);
  if (actName === 'softmax' && !last) {
    throw new InvalidOptionError(`layers[${l}].activation "softmax" is only allowed on the output layer`);
  }
  const act = activation(actName, spec.alpha === undefined ? {} : { alpha: spec.alpha });
  const dropout = checkNumber(`layers[${l}].dropout`, spec.dropout ?? 0, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  if (last && dropout > 0) throw new InvalidOptionError('dropout on the output layer is not supported; put it on hidden layers');
  const init = checkChoice(`layers[${l}].init`, spec.init ?? defaultInit(actName), INITS);
  const W = allocateMatrix(fanIn, units, dtype);
  initWeights(W, init, rng);
  return {
    inputSize: fanIn,
    units,
    activation: act,
    dropout,
    init,
    W,
    b: allocateMatrix(1, units, dtype),
    dW: allocateMatrix(fanIn, units, dtype),
    db: allocateMatrix(1, units, dtype),
    buffers: new Map(),
  };
}

const PREDICT_CHUNK = 1024;

/**
 * A feed-forward network of dense layers:
 * $z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}$, $a^{(l)} = \varphi_l(z^{(l)})$, $a^{(0)} = X$, $\hat y = a^{(L)}$.
 * Rows are samples. The objective of a batch of m rows is
 *
 * $$
 * J = \mathcal L(\hat y, y) + \lambda_1 \sum_l \lVert W^{(l)} \rVert_1 + \frac{\lambda_2}{2} \sum_l \lVert W^{(l)} \rVert_F^2 .
 * $$
 *
 * @example
 * ```ts
 * const net = Sequential.mlp({ inputSize: 1, hidden: [50, 50], outputSize: 1, loss: 'mse', seed: 1993 });
 * const history = net.fit(X, y, { optimizer: 'adam', lr: 1e-2, epochs: 500, batchSize: 64 });
 * const yhat = net.predict(Xtest);
 * ```
 */
export class Sequential {
  /** Number of input features. */
  readonly inputSize: number;
  /** Number of outputs (units of the last layer). */
  readonly outputSize: number;
  /** The loss `fit` minimises (plus the penalties). */
  readonly loss: Loss;
  /** L1 penalty weight λ₁ of λ₁ Σ|w|. */
  readonly lambda1: number;
  /** L2 penalty weight λ₂ of (λ₂/2) Σw². */
  readonly lambda2: number;
  /** Whether the penalties apply to biases too. */
  readonly penalizeBias: boolean;
  /** Element type of weights and activations. */
  readonly dtype: DType;
  /** Seed of the weight initialisation. */
  readonly seed: number;
  /** Whether MSE on a softmax output is allowed. */
  readonly allowMseOnSoftmax: boolean;
  private readonly state: LayerState[];
  /** Per batch size: the last batch buffers' captured step (see {@link replayStep}). */
  private readonly captured = new Map<number, CapturedStep>();

  constructor(options: SequentialOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError('Sequential: options must be an object');
    this.inputSize = checkInteger('inputSize', options.inputSize, 1);
    if (!Array.isArray(options.layers) || options.layers.length === 0) {
      throw new InvalidOptionError('layers must be a non-empty array of { units, activation }');
    }
    this.loss = lossByName(checkChoice('loss', options.loss, LOSSES));
    this.lambda1 = checkNumber('lambda1', options.lambda1 ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    this.lambda2 = checkNumber('lambda2', options.lambda2 ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    this.penalizeBias = options.penalizeBias ?? false;
    this.dtype = checkChoice('dtype', options.dtype ?? 'float64', ['float64', 'float32'] as const);
    this.seed = options.seed ?? 1993;
    this.allowMseOnSoftmax = options.allowMseOnSoftmax ?? false;
    const rng = new Rng(this.seed);
    let fanIn = this.inputSize;
    this.state = options.layers.map((spec, l) => {
      const layer = buildLayer(spec, l, l === options.layers.length - 1, fanIn, this.dtype, rng);
      fanIn = layer.units;
      return layer;
    });
    this.outputSize = fanIn;
    checkOutputPairing(this.outputLayer.activation, this.loss.name, this.allowMseOnSoftmax);
  }

  /** Builds an MLP: `hidden` layers of one activation, then an output layer that fits the loss. */
  static mlp(options: MlpOptions): Sequential {
    const { hidden, activation: act = 'relu', alpha, outputSize, outputActivation, dropout, ...rest } = options;
    if (!Array.isArray(hidden)) throw new InvalidOptionError('hidden must be an array of layer widths, e.g. [50, 50]');
    const out =
      outputActivation ?? (options.loss === 'cross-entropy' ? 'softmax' : options.loss === 'binary-cross-entropy' ? 'sigmoid' : 'linear');
    const layers: LayerSpec[] = hidden.map((units) => ({
      units,
      activation: act,
      ...(alpha === undefined ? {} : { alpha }),
      ...(dropout === undefined ? {} : { dropout }),
    }));
    layers.push({ units: outputSize, activation: out });
    return new Sequential({ ...rest, layers });
  }

  /** The dense layers, first to last (read-only views of weights and gradients). */
  get layers(): readonly DenseLayer[] {
    return this.state;
  }

  private get outputLayer(): LayerState {
    return this.state[this.state.length - 1]!;
  }

  /** Whether the task is classification (cross-entropy or binary cross-entropy). */
  get isClassifier(): boolean {
    return this.loss.name !== 'mse';
  }

  /** Trainable parameters in a fixed order: W₁, b₁, W₂, b₂, … (the matrices themselves, not copies). */
  parameters(): Matrix[] {
    return this.state.flatMap((l) => [l.W, l.b]);
  }

  /** Gradients in the order of {@link parameters}. */
  gradients(): Matrix[] {
    return this.state.flatMap((l) => [l.dW, l.db]);
  }

  /** Names in the order of {@link parameters}: `W1`, `b1`, `W2`, … */
  parameterNames(): string[] {
    return this.state.flatMap((_, l) => [`W${l + 1}`, `b${l + 1}`]);
  }

  /** Total number of trainable numbers. */
  get parameterCount(): number {
    return this.state.reduce((s, l) => s + l.W.size + l.b.size, 0);
  }

  private buffersFor(layer: LayerState, rows: number): DenseBuffers {
    let b = layer.buffers.get(rows);
    if (!b) {
      b = allocateBuffers(rows, layer.inputSize, layer.units, this.dtype, layer.dropout > 0, layer.activation.saves === true);
      layer.buffers.set(rows, b);
    }
    return b;
  }

  /**
   * Forward pass of a batch; returns the output activations ŷ (a buffer owned by the network,
   * valid until the next pass with the same number of rows — copy it to keep it).
   */
  forward(X: Matrix, options: ForwardOptions = {}): Matrix {
    const training = options.training ?? false;
    if (training) this.drawMasks(X.rows, options.rng);
    return this.forwardPass(X, training);
  }

  /** Draws every dropout layer's mask for a batch of `rows`, first layer first (on the host: a random stream). */
  private drawMasks(rows: number, rng: Rng | undefined): void {
    for (const layer of this.state) {
      if (layer.dropout === 0) continue;
      if (!rng) throw new InvalidOptionError('forward: training with dropout needs an rng');
      drawDropoutMask(layer.dropout, rng, this.buffersFor(layer, rows).mask!);
    }
  }

  /** The forward pass on masks already drawn (training) or without dropout (inference): kernels only. */
  private forwardPass(X: Matrix, training: boolean): Matrix {
    let x = X;
    for (let l = 0; l < this.state.length; l++) {
      const layer = this.state[l]!;
      checkDenseInput(l + 1, layer.inputSize, layer.units, x);
      const buf = this.buffersFor(layer, x.rows);
      denseActivationForward(x, layer.W, layer.b, layer.activation, buf.z, buf.a, buf.saved ?? undefined);
      if (training && layer.dropout > 0) {
        applyDropout(buf.a, layer.dropout, buf.mask!, buf.dropped!);
        x = buf.dropped!;
      } else {
        x = buf.a;
      }
    }
    return x;
  }

  /**
   * Pre-activations z and activations a of every layer for `X` in inference mode (copies), for
   * diagnostics such as the fraction of dead ReLU units or saturated sigmoid units.
   */
  inspect(X: Matrix): {
    /** Pre-activation x·W + b of the layer. */
    z: Matrix;
    /** Activation φ(z) of the layer. */
    a: Matrix;
  }[] {
    this.forward(X);
    return this.state.map((layer) => {
      const buf = this.buffersFor(layer, X.rows);
      return { z: buf.z.clone(), a: buf.a.clone() };
    });
  }

  /** Penalty λ₁ Σ‖W‖₁ + (λ₂/2) Σ‖W‖² (and on biases when `penalizeBias`). */
  penaltyValue(): number {
    let p = 0;
    for (const l of this.state) {
      p += l1Value(l.W, this.lambda1) + l2Value(l.W, this.lambda2);
      if (this.penalizeBias) p += l1Value(l.b, this.lambda1) + l2Value(l.b, this.lambda2);
    }
    return p;
  }

  /** Mean data loss of a batch (without the penalty), from a forward pass in inference mode. */
  dataLoss(X: Matrix, Y: Matrix): number {
    this.forward(X);
    return this.lastLoss(Y);
  }

  /** Data loss of the last forward pass (of `Y.rows` rows) against `Y`. */
  lastLoss(Y: Matrix): number {
    const buf = this.outputLayer.buffers.get(Y.rows);
    if (!buf) throw new StateError(`lastLoss: no forward pass of ${Y.rows} rows yet`);
    this.checkTargets(Y, Y.rows);
    return this.loss.value(buf.z, buf.a, Y);
  }

  /** Output ŷ of the last forward pass of `rows` rows (the network's buffer; copy it to keep it). */
  lastOutput(rows: number): Matrix {
    const buf = this.outputLayer.buffers.get(rows);
    if (!buf) throw new StateError(`lastOutput: no forward pass of ${rows} rows yet`);
    return buf.a;
  }

  /** The objective J (data loss + penalty) of a batch in inference mode. */
  objective(X: Matrix, Y: Matrix): number {
    return this.dataLoss(X, Y) + this.penaltyValue();
  }

  private checkTargets(Y: Matrix, rows: number): void {
    if (Y.rows !== rows || Y.cols !== this.outputSize) {
      throw new ShapeError(`targets: got ${Y.rows}×${Y.cols}, expected ${rows}×${this.outputSize} (one row per sample, one column per output)`);
    }
  }

  /**
   * Forward and backward pass of one batch: fills {@link gradients} with ∂J/∂θ and returns the
   * batch's data loss (without the penalty; add {@link penaltyValue} for J).
   */
  computeGradients(X: Matrix, Y: Matrix, options: ForwardOptions = {}): number {
    const training = options.training ?? false;
    // The masks are drawn first, outside the step, so that the step itself is kernels only (and can be replayed).
    if (training) this.drawMasks(X.rows, options.rng);
    if (!this.replayStep(X, Y, training)) this.backpropagate(X, Y, training);
    const outBuf = this.buffersFor(this.outputLayer, X.rows);
    return this.loss.value(outBuf.z, outBuf.a, Y);
  }

  /**
   * Forward pass, output δ, then every layer's backward pass: dW, db, and δ of the layer below; then
   * the penalties' gradients added to dW (and db when biases are penalized).
   */
  private backpropagate(X: Matrix, Y: Matrix, training: boolean): void {
    this.forwardPass(X, training);
    this.checkTargets(Y, X.rows);
    const L = this.state.length;
    const out = this.state[L - 1]!;
    const outBuf = this.buffersFor(out, X.rows);
    outputDelta(out.activation, this.loss, outBuf.z, outBuf.a, Y, outBuf.da, outBuf.dz, outBuf.saved ?? undefined);
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.state[l]!;
      const buf = this.buffersFor(layer, X.rows);
      const below = l > 0 ? this.state[l - 1]! : null;
      const x = below ? this.layerOutput(below, X.rows, training) : X;
      denseBackward(x, layer.W, buf.dz, below ? buf.dx : null, layer.dW, layer.db);
      if (below) {
        const bb = this.buffersFor(below, X.rows);
        let da = buf.dx;
        if (training && below.dropout > 0) {
          dropoutBackward(buf.dx, bb.mask!, bb.da, below.dropout);
          da = bb.da;
        }
        below.activation.backward(bb.z, bb.a, da, bb.dz, bb.saved ?? undefined);
      }
    }
    for (const layer of this.state) {
      l1Gradient(layer.W, this.lambda1, layer.dW);
      l2Gradient(layer.W, this.lambda2, layer.dW);
      if (this.penalizeBias) {
        l1Gradient(layer.b, this.lambda1, layer.db);
        l2Gradient(layer.b, this.lambda2, layer.db);
      }
    }
  }

  /**
   * {@link backpropagate} replayed: its kernel calls, captured at the first batch in these buffers
   * (`capture` in @ffnn/tensor), run again in one backend call. The same code on the same buffers,
   * so the same bits. Returns false, having computed nothing, when the backend cannot capture or the
   * pass computes on the host (an activation or loss without a kernel). Dropout masks are drawn before it.
   */
  private replayStep(X: Matrix, Y: Matrix, training: boolean): boolean {
    const backend = getBackend();
    if (backend.beginCapture === undefined) return false;
    let step = this.captured.get(X.rows);
    if (step === undefined || step.backend !== backend || step.X !== X.data || step.Y !== Y.data || step.cols !== X.cols || step.training !== training) {
      // Shape errors are thrown here, before a capture.
      checkDenseInput(1, this.inputSize, this.state[0]!.units, X);
      this.checkTargets(Y, X.rows);
      const replay = capture(() => this.backpropagate(X, Y, training));
      step = { backend, X: X.data, Y: Y.data, cols: X.cols, training, replay };
      this.captured.set(X.rows, step);
    }
    if (step.replay === undefined) return false;
    step.replay.run();
    return true;
  }

  private layerOutput(layer: LayerState, rows: number, training: boolean): Matrix {
    const buf = this.buffersFor(layer, rows);
    return training && layer.dropout > 0 ? buf.dropped! : buf.a;
  }

  /** Predictions ŷ for every row of `X` (a new matrix; computed in chunks to bound memory). */
  predict(X: Matrix | RowSource): Matrix {
    const source = asRowSource(X);
    if (source.cols !== this.inputSize) {
      throw new ShapeError(`predict: input has ${source.cols} columns, expected ${this.inputSize}`);
    }
    const n = source.rows;
    const out = Matrix.zeros(n, this.outputSize, this.dtype);
    const index = identityIndex(n);
    let batch: Matrix | null = null;
    for (let start = 0; start < n; start += PREDICT_CHUNK) {
      const rows = Math.min(PREDICT_CHUNK, n - start);
      if (!batch || batch.rows !== rows) batch = Matrix.zeros(rows, this.inputSize, this.dtype);
      source.gather(index, start, batch);
      const yhat = this.forward(batch);
      out.data.set(yhat.data, start * this.outputSize);
    }
    return out;
  }

  /** Predicted class of each row (argmax of the softmax output; threshold 0.5 for one sigmoid output). */
  predictClasses(X: Matrix | RowSource): Int32Array {
    const p = this.predict(X);
    if (this.outputSize === 1) {
      const c = new Int32Array(p.rows);
      for (let i = 0; i < p.rows; i++) c[i] = p.data[i]! >= 0.5 ? 1 : 0;
      return c;
    }
    return argmaxRows(p);
  }

  /** Trains the network; see {@link fitNetwork | fit} for the options and the determinism contract. */
  fit(X: Matrix | RowSource, y: Targets, options: FitOptions = {}): History {
    return fitNetwork(this, X, y, options);
  }

  /** {@link fit} that yields to the event loop during training (for Ctrl-C, timers, UI); bit-identical results. */
  fitAsync(X: Matrix | RowSource, y: Targets, options: FitOptions = {}): Promise<History> {
    return fitNetworkAsync(this, X, y, options);
  }

  /** Mean data loss and metric (accuracy or MSE) on a data set, in inference mode. */
  evaluate(X: Matrix | RowSource, y: Targets): Evaluation {
    return evaluateNetwork(this, X, y);
  }

  /** A short table of the layers. */
  summary(): string {
    const lines = [`Sequential (${this.dtype}, loss ${this.loss.name}, λ1 ${this.lambda1}, λ2 ${this.lambda2})`];
    for (const [l, layer] of this.state.entries()) {
      const drop = layer.dropout > 0 ? `, dropout ${layer.dropout}` : '';
      lines.push(`  ${l + 1}. Dense(${layer.inputSize}→${layer.units}) ${layer.activation.name}, init ${layer.init}${drop}`);
    }
    lines.push(`  parameters: ${this.parameterCount}`);
    return lines.join('\n');
  }

  /** Architecture, hyperparameters and weights as plain JSON; {@link Sequential.fromJSON} restores it exactly. */
  toJSON(): SequentialJSON {
    return networkToJSON(this);
  }

  /** Restores a network from {@link Sequential.toJSON} output, validating every field. */
  static fromJSON(json: unknown): Sequential {
    const { options, weights } = readNetworkJSON(json);
    const net = new Sequential(options);
    net.state.forEach((layer, i) => {
      setValues(`layers[${i}].W`, layer.W, weights[i]!.W);
      setValues(`layers[${i}].b`, layer.b, weights[i]!.b);
    });
    return net;
  }

  /** A deep copy (same weights, fresh buffers). */
  clone(): Sequential {
    return Sequential.fromJSON(this.toJSON());
  }

  /** Copies all weights and biases into `target` buffers (for snapshots such as best-so-far weights). */
  copyParametersTo(target: Matrix[]): void {
    const params = this.parameters();
    if (target.length !== params.length) throw new StateError('copyParametersTo: wrong number of buffers');
    params.forEach((p, i) => target[i]!.data.set(p.data));
  }

  /** Overwrites all weights and biases from `source` (same order and shapes as {@link parameters}). */
  setParameters(source: readonly Matrix[]): void {
    const params = this.parameters();
    if (source.length !== params.length) {
      throw new ShapeError(`setParameters: got ${source.length} matrices, expected ${params.length}`);
    }
    params.forEach((p, i) => {
      const s = source[i]!;
      if (!p.sameShape(s)) throw new ShapeError(`setParameters: ${this.parameterNames()[i]} is ${s.shapeString()}, expected ${p.shapeString()}`);
      p.data.set(s.data);
    });
  }
}
