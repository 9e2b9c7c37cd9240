import type { Command } from 'commander';
import { confusionMatrix, mostConfusedPairs } from '@ffnn/datasets';
import { Matrix } from '@ffnn/tensor';
import { type Dataset, inputsFor, labelsFor, loadDataset, targetColumn, withFeatures } from '../data.js';
import { CliFailure } from '../errors.js';
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

function loadFor(modelPath: string, flags: DataFlags) {
  const { model, network, features } = loadModel(modelPath);
  const target = flags.target ?? (flags.data.toLowerCase().endsWith('.csv') ? model.targetName : undefined);
  const raw: Dataset = loadDataset({ data: flags.data, ...(target ? { target } : {}), ...(flags.n ? { n: flags.n } : {}), seed: flags.seed });
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
  return { model, network, data, rows, X, yhat };
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
      const { model, network, data, rows, X } = loadFor(modelPath, flags);
      let result: Record<string, unknown>;
      if (model.task === 'classification') {
        const labels = labelsFor(data.target, model.classes!);
        const metrics = classificationSummary(network, X, labels);
        const K = model.classes!.length;
        const cm = confusionMatrix(labels, network.predictClasses(X), K);
        result = { rows: data.n, ...metrics, classes: model.classes, confusionMatrix: cm, mostConfused: mostConfusedPairs(cm, 5) };
        if (!flags.json) {
          process.stdout.write(`${data.name}: ${data.n} rows · accuracy ${metrics.accuracy!.toFixed(4)} · loss ${metrics.loss!.toFixed(4)}\n`);
          process.stdout.write(`confusion matrix (rows: true class, columns: predicted)\n${formatMatrix(cm, model.classes!)}\n`);
        }
      } else {
        const metrics = regressionSummary(network, X, targetColumn(data.target, rows), data.clean ? targetColumn(data.clean, rows) : null);
        result = { rows: data.n, ...metrics };
        if (!flags.json) process.stdout.write(`${data.name}: ${data.n} rows · ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(' · ')}\n`);
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });

  program
    .command('predict <model>')
    .description('write predictions of a saved model for every row of the data to a CSV file')
    .option('--data <source>', 'runge, mnist, or a CSV file with the feature columns (a target column is ignored)', 'runge')
    .option('--target <column>', 'a column of the CSV to leave out of the features')
    .option('--out <file.csv>', 'output file', 'predictions.csv')
    .option('--seed <n>', 'seed for generated data (runge)', nonNegInt('--seed'), 1993)
    .option('--n <rows>', 'runge: number of points', positiveInt('--n'))
    .addHelpText('after', '\nExamples:\n  $ ffnn predict model.json --data new.csv --out predictions.csv')
    .action(async (modelPath: string, flags: DataFlags & { out: string }) => {
      await selectBackend();
      const { model, yhat } = loadFor(modelPath, flags);
      const lines: string[] = [];
      if (model.task === 'classification') {
        const classes = model.classes!;
        lines.push(['prediction', ...classes.map((c) => `p_${c}`)].join(','));
        for (let i = 0; i < yhat.rows; i++) {
          const row = Array.from(yhat.row(i));
          const k = row.indexOf(Math.max(...row));
          lines.push([classes[k], ...row.map((p) => p.toPrecision(6))].join(','));
        }
      } else {
        lines.push(`${model.targetName}_predicted`);
        for (let i = 0; i < yhat.rows; i++) lines.push(String(yhat.data[i]));
      }
      writeFileAtomic(flags.out, `${lines.join('\n')}\n`);
      process.stdout.write(`wrote ${yhat.rows} predictions to ${flags.out}\n`);
    });
}

function formatMatrix(cm: number[][], classes: number[]): string {
  const w = Math.max(5, ...cm.flat().map((v) => String(v).length + 1));
  const head = `${''.padStart(6)}${classes.map((c) => String(c).padStart(w)).join('')}`;
  return [head, ...cm.map((row, i) => `${String(classes[i]).padStart(6)}${row.map((v) => String(v).padStart(w)).join('')}`)].join('\n');
}

export { Matrix };
