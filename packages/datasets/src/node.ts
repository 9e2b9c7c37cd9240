// Node-only entry (node:fs, node:zlib, node:module). Everything else is in `@ffnn/datasets`.
export { parseIdx, readIdx, gunzip } from './node/idx-file.js';
export { loadMnist, mnistDataDir, MNIST_FILES, type LoadMnistOptions } from './node/load-mnist.js';
export { readCsv } from './node/read-csv.js';
export type { MnistData, MnistSet, IdxData, CsvData, ParseCsvOptions } from './index.js';
