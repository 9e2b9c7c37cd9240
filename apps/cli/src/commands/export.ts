import { Option, type Command } from 'commander';
import { encodeNetwork, exportOnnx } from '@ffnn/layers';
import { writeFileAtomic } from '../io.js';
import { loadModel } from '../model-file.js';
import { VERSION } from '../version.js';

export function registerExport(program: Command): void {
  program
    .command('export <model>')
    .description('export a saved model for other tools: ONNX (runs in ONNX Runtime) or safetensors weights')
    .addOption(new Option('--format <format>', 'onnx: a standard ONNX graph (float32); safetensors: the weights W1, b1, … with the architecture in the metadata').choices(['onnx', 'safetensors']).default('onnx'))
    .option('--out <file>', 'output file (default: the model name with .onnx or .safetensors)')
    .addHelpText('after', '\nExamples:\n  $ ffnn export model.ffnn --format onnx --out model.onnx\n  $ ffnn export model.json --format safetensors\n\nThe ONNX graph takes the preprocessed inputs ("input", [batch, features]): compute the model\'s\nfeatures (e.g. poly:10) and apply its scaler (or pixels/255) first, as `ffnn predict` does.')
    .action((modelPath: string, flags: { format: 'onnx' | 'safetensors'; out?: string }) => {
      const { model, network } = loadModel(modelPath);
      const out = flags.out ?? `${modelPath.replace(/\.(json|ffnn|safetensors|onnx)$/i, '')}.${flags.format}`;
      const bytes = flags.format === 'onnx' ? exportOnnx(network, { producerVersion: VERSION }) : encodeNetwork(network, { 'ffnn.model': JSON.stringify({ ...model, network: undefined }) });
      writeFileAtomic(out, bytes);
      process.stdout.write(`wrote ${flags.format} (${bytes.length} bytes) to ${out}\n`);
    });
}
