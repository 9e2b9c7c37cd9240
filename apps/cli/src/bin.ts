#!/usr/bin/env node
import { main } from './index.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ffnn: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
