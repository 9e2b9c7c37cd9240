// Browser-safe entry: no node: imports here. File loading lives in `@ffnn/datasets/node`.
export { runge, rungeFunction, type RungeOptions, type RungeData } from './runge.js';
export { parseIdx, encodeIdx, isGzip, type IdxData, type ParseIdxOptions } from './idx.js';
export {
  mnistStandardSplit,
  mnistStratifiedSplit,
  gatherPixels,
  PixelBatcher,
  toMatrix,
  type MnistSet,
  type MnistData,
  type MnistSplit,
  type MnistStratifiedSplitOptions,
  type PixelBatcherOptions,
} from './mnist.js';
export { parseCsv, type ParseCsvOptions, type CsvData } from './csv.js';
export { polynomialFeatures, type PolynomialFeaturesOptions } from './preprocessing/polynomial.js';
export {
  StandardScaler,
  MinMaxScaler,
  type StandardScalerOptions,
  type StandardScalerJSON,
  type MinMaxScalerOptions,
  type MinMaxScalerJSON,
} from './preprocessing/scalers.js';
export { oneHot } from './preprocessing/one-hot.js';
export {
  trainTestSplit,
  kFold,
  takeRows,
  type SplitIndices,
  type TrainTestSplitOptions,
  type KFoldOptions,
} from './preprocessing/split.js';
export { mse, mae, r2, type RegressionValues } from './metrics/regression.js';
export {
  accuracy,
  confusionMatrix,
  classificationReport,
  mostConfusedPairs,
  type ClassScores,
  type ClassificationReport,
  type ConfusedPair,
} from './metrics/classification.js';
