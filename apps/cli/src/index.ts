import { Command, CommanderError } from 'commander';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExport } from './commands/export.js';
import { registerSweep } from './commands/sweep.js';
import { registerGradcheck } from './commands/gradcheck.js';
import { registerReproduce } from './commands/reproduce.js';
import { registerTrain } from './commands/train.js';
import { EXIT, describeError } from './errors.js';
import { VERSION } from './version.js';

export { type PreparedData, type TrialConfig, type TrialHooks, type TrialResult, runTrial } from './trial.js';
export { trialConfigOf, trialFlags } from './train-options.js';

/** Builds the `ffnn` program (commands register themselves). */
export function createProgram(): Command {
  const program = new Command('ffnn')
    .description('Feed-forward neural networks from first principles: train, evaluate, predict, check gradients, reproduce the study.')
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'ffnn: ')) })
    .addHelpText(
      'after',
      `
Examples:
  $ ffnn train --data runge --hidden 50,50 --lr 0.01 --epochs 500
  $ ffnn gradcheck
  $ ffnn reproduce --profile quick --out results

Exit codes: 0 ok · 1 file or data problem · 2 bad command line · 3 training diverged · 130 interrupted`,
    );
  registerTrain(program);
  registerEvaluate(program);
  registerGradcheck(program);
  registerReproduce(program);
  registerExport(program);
  registerSweep(program);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true);
  return program;
}

/** Runs the CLI and returns the exit code; errors become one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander has already printed one line naming the flag or value
    }
    const { code, message } = describeError(error);
    process.stderr.write(`ffnn: ${message}\n`);
    if (process.env.FFNN_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}
