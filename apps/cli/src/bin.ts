#!/usr/bin/env node
import { main } from './index.js';

// A closed pipe (e.g. `ffnn train | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ffnn: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
