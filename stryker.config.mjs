// Mutation testing (StrykerJS + vitest), one package at a time: `pnpm mutation <package>`.
// See docs/mutation.md for how to read the report and the equivalent mutants we keep.
//
// Stryker copies the repository into a sandbox and runs the root vitest.config.ts there. Its aliases
// (`@ffnn/x` → packages/x/src) are computed from the config file's own location, so inside the sandbox
// they point at the sandbox's (mutated) sources, and a test that imports `@ffnn/optim` sees the mutant
// just like one that imports `./adam.js`.
const scopes = {
  optim: { dir: 'packages/optim', mutate: ['packages/optim/src/**/*.ts', '!packages/optim/src/test-util.ts'] },
  'linear-models': { dir: 'packages/linear-models', mutate: ['packages/linear-models/src/**/*.ts', '!packages/linear-models/src/testing.ts'] },
  datasets: { dir: 'packages/datasets', mutate: ['packages/datasets/src/**/*.ts'] },
  'autodiff-check': { dir: 'packages/autodiff-check', mutate: ['packages/autodiff-check/src/**/*.ts'] },
  layers: { dir: 'packages/layers', mutate: ['packages/layers/src/**/*.ts'] },
  // The JavaScript backend of tensor; src/wasm/ drives the AssemblyScript kernels (see docs/mutation.md).
  tensor: { dir: 'packages/tensor', mutate: ['packages/tensor/src/**/*.ts', '!packages/tensor/src/wasm/**'] },
  // The CLI's data handling, metrics, flag parsing and commands (docs/mutation.md says why these
  // files). The study and sweep code are out of scope. Only the in-process tests run (see
  // vitest.mutation.config.ts): the end-to-end tests spawn dist/bin.js, which never sees a mutant.
  cli: {
    dir: 'apps/cli',
    mutate: ['apps/cli/src/data.ts', 'apps/cli/src/report.ts', 'apps/cli/src/options.ts', 'apps/cli/src/train-options.ts', 'apps/cli/src/commands/*.ts'],
  },
};

// A package, or a piece of one: `layers:activations,losses` mutates only packages/layers/src/activations.ts
// and losses.ts (the package's tests all run), so a large package can be measured in pieces and summed.
const name = process.env.FFNN_MUTATION_PACKAGE ?? '';
const [pkg, files] = name.split(':');
const scope = scopes[pkg];
if (!scope) throw new Error(`FFNN_MUTATION_PACKAGE must be one of ${Object.keys(scopes).join(', ')} (or <package>:<file>,<file>…); got "${name}"`);
const mutate = files ? files.split(',').map((f) => `${scope.dir}/src/${f}.ts`) : scope.mutate;
const out = `reports/mutation/${name.replace(':', '-')}`;

export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', dir: scope.dir },
  mutate: [...mutate, '!**/*.test.ts'],
  coverageAnalysis: 'perTest',
  // Two test-runner processes: the machines this runs on have two cores (run it under `nice`).
  concurrency: Number(process.env.FFNN_MUTATION_CONCURRENCY ?? 2),
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/report.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  // Only what the tests need goes into the sandbox: the packages' sources and fixtures, the CLI.
  ignorePatterns: ['apps/docs', 'deploy', 'sweeps', 'reports', 'results', '**/dist', '.turbo', '**/.turbo', 'packages/bench'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 10_000,
  // The initial run of instrumented code takes minutes for linear-models and layers on a busy machine.
  dryRunTimeoutMinutes: 40,
  // A static mutant (module-level code: the CLI's option table, its flag parsers) is active from import,
  // so every test runs for it; in the cli scope that is a minute or more per mutant on two cores
  // (docs/mutation.md lists what these tables are checked by instead).
  ...(pkg === 'cli' ? { ignoreStatic: true } : {}),
};
