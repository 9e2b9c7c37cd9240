import type { Command } from 'commander';
import { confusionMatrix, mostConfusedPairs } from '@ffnn/datasets';
import { Matrix } from '@ffnn/tensor';
import { type ClassValue, type Dataset, classValues, className, inputsFor, labelsFor, loadDataset, targetColumn, withFeatures } from '../data.js';
import { formatNumber } from '../progress.js';
import { CliFailure, UsageError } from '../errors.js';
import { loadModel, predictFinite } from '../model-file.js';
import { selectBackend } from './train.js';
import { nonNegInt, positiveInt } from '../options.js';
import { classificationSummary, regressionSummary } from '../report.js';
import { writeFileAtomic } from '../io.js';

interface DataFlags {
  data: string;
  target?: string;
  seed: number;
  n?: number;
  json?: boolean;
}

/**
 * Loads a model and the data to apply it to: the model's feature columns, found by name (other
 * columns are ignored), and for `evaluate` the target column too.
 */
function loadFor(modelPath: string, flags: DataFlags & { keep?: string[] }, needsTarget: boolean) {
  const { model, network, features } = loadModel(modelPath);
  const csv = flags.data.toLowerCase().endsWith('.csv');
  const target = flags.target ?? (csv ? model.targetName : undefined);
  const raw: Dataset = loadDataset({
    data: flags.data,
    ...(target && needsTarget ? { target } : {}),
    ...(csv ? { columns: model.featureNames, featuresOnly: !needsTarget } : {}),
    ...(flags.keep ? { keep: flags.keep } : {}),
    ...(flags.n ? { n: flags.n } : {}),
    seed: flags.seed,
  });
  // The model reads its columns; parseModel checked that the network takes them (or the features computed from them).
  if (raw.cols !== model.featureNames.length) {
    throw new CliFailure(
      model.features === undefined
        ? `${flags.data}: has ${raw.cols} feature columns but the model ${modelPath} expects ${network.inputSize} (${model.featureNames.slice(0, 5).join(', ')}${model.featureNames.length > 5 ? ', …' : ''})`
        : `${flags.data}: has ${raw.cols} feature columns but the model ${modelPath} reads ${model.featureNames.length} (${model.featureNames.join(', ')}) and computes its ${model.features} features from them`,
    );
  }
  // A model trained with --features computes the same features from the raw columns first (raw: the columns themselves).
  const data = withFeatures(raw, features);
  const rows = Int32Array.from({ length: data.n }, (_, i) => i);
  const X = inputsFor(data, rows, model.preprocessing, network.dtype);
  const yhat = predictFinite(modelPath, network, X);
  return { model, network, raw, data, rows, X, yhat };
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate <model>')
    .description('evaluate a saved model on data (all rows); prints metrics and, for classifiers, the confusion matrix')
    .option('--data <source>', 'runge, mnist, or a CSV file with the same columns as in training', 'runge')
    .option('--target <column>', 'target column of a CSV file (default: the one the model was trained on)')
    .option('--seed <n>', 'seed for generated data (runge)', nonNegInt('--seed'), 1993)
    .option('--n <rows>', 'runge: number of points', positiveInt('--n'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ ffnn evaluate model.json --data runge --seed 7\n  $ ffnn evaluate mnist.json --data mnist --json')
    .action(async (modelPath: string, flags: DataFlags) => {
      await selectBackend();
      const { model, network, data, rows, X } = loadFor(modelPath, flags, true);
      let result: Record<string, unknown>;
      if (model.task === 'classification') {
        const labels = labelsFor(classValues(data), model.classes!);
        const metrics = classificationSummary(network, X, labels);
        const K = model.classes!.length;
        const cm = confusionMatrix(labels, network.predictClasses(X), K);
        result = { rows: data.n, ...metrics, classes: model.classes, confusionMatrix: cm, mostConfused: mostConfusedPairs(cm, 5) };
        if (!flags.json) {
          process.stdout.write(`${data.name}: ${data.n} rows · accuracy ${formatNumber(metrics.accuracy!)} · loss ${formatNumber(metrics.loss!)}\n`);
          process.stdout.write(`confusion matrix (rows: true class, columns: predicted)\n${formatMatrix(cm, model.classes!)}\n`);
        }
      } else {
        const metrics = regressionSummary(network, X, targetColumn(data.target, rows), data.clean ? targetColumn(data.clean, rows) : null);
        result = { rows: data.n, ...metrics };
        if (!flags.json) process.stdout.write(`${data.name}: ${data.n} rows · ${Object.entries(metrics).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ')}\n`);
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });

  program
    .command('predict <model>')
    .description('write predictions of a saved model for every row of the data to a CSV file')
    .option('--data <source>', 'runge, mnist, or a CSV file with the model\'s feature columns (found by name; other columns, such as a target, are ignored)', 'runge')
    .option('--target <column>', 'not needed: predict reads only the model\'s feature columns (accepted so older scripts keep working)')
    .option('--out <file.csv>', 'output file', 'predictions.csv')
    .option('--keep <columns>', 'CSV: copy these columns (comma-separated, e.g. an id) into the output as written, after the row number', (raw: string) => raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .option('--with-inputs', 'also copy the model\'s input columns into the output, after the row number (and --keep columns)')
    .option('--seed <n>', 'seed for generated data (runge)', nonNegInt('--seed'), 1993)
    .option('--n <rows>', 'runge: number of points', positiveInt('--n'))
    .addHelpText(
      'after',
      `
Examples:
  $ ffnn predict model.json --data new.csv --out predictions.csv
  $ ffnn predict iris.json --data flowers.csv --with-inputs
  $ ffnn predict houses.json --data new.csv --keep id,address

The output has one line per data row: "row" (1 for the first data line of the input, blank lines
not counted), the --keep columns, the inputs with --with-inputs, then the prediction: <target>_predicted for regression;
for classification the predicted class (by name) and the probability of each class, p_<class>.`,
    )
    .action(async (modelPath: string, flags: DataFlags & { out: string; withInputs?: boolean; keep?: string[] }) => {
      if (flags.keep && !flags.data.toLowerCase().endsWith('.csv')) throw new UsageError(`--keep copies columns of a CSV file; ${flags.data} has none to keep`);
      await selectBackend();
      const { model, raw, yhat } = loadFor(modelPath, flags, false);
      const keepNames = flags.keep ?? [];
      const keptOf = (i: number): string[] => keepNames.map((c) => csvField(raw.kept![c]![i]!));
      const inputNames = flags.withInputs ? raw.featureNames : [];
      const inputsOf = (i: number): string[] => {
        if (!flags.withInputs) return [];
        if (raw.X) return Array.from(raw.X.row(i), String);
        return Array.from(raw.images!.subarray(i * 784, (i + 1) * 784), String);
      };
      const lines: string[] = [];
      if (model.task === 'classification') {
        const classes = model.classes!;
        lines.push(['row', ...keepNames, ...inputNames, 'prediction', ...classes.map((c) => `p_${className(c)}`)].map(csvField).join(','));
        for (let i = 0; i < yhat.rows; i++) {
          const row = Array.from(yhat.row(i));
          const k = row.indexOf(Math.max(...row));
          lines.push([String(i + 1), ...keptOf(i), ...inputsOf(i), csvField(className(classes[k]!)), ...row.map((p) => p.toPrecision(6))].join(','));
        }
      } else {
        lines.push(['row', ...keepNames, ...inputNames, `${model.targetName}_predicted`].map(csvField).join(','));
        for (let i = 0; i < yhat.rows; i++) lines.push([String(i + 1), ...keptOf(i), ...inputsOf(i), String(yhat.data[i])].join(','));
      }
      writeFileAtomic(flags.out, `${lines.join('\n')}\n`);
      process.stdout.write(`wrote ${yhat.rows} predictions to ${flags.out}\n`);
    });
}

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatMatrix(cm: number[][], classes: ClassValue[]): string {
  const names = classes.map(className);
  const w = Math.max(5, ...cm.flat().map((v) => String(v).length + 1), ...names.map((c) => c.length + 1));
  const left = Math.max(6, ...names.map((c) => c.length + 1));
  const head = `${''.padStart(left)}${names.map((c) => c.padStart(w)).join('')}`;
  return [head, ...cm.map((row, i) => `${names[i]!.padStart(left)}${row.map((v) => String(v).padStart(w)).join('')}`)].join('\n');
}

export { Matrix };
