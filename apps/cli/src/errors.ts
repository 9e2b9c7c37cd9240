import { FfnnError } from '@ffnn/tensor';

/** Exit codes of the `ffnn` command (documented in its README and `--help`). */
export const EXIT = {
  ok: 0,
  /** A file, data or runtime problem (missing or malformed file, bad values in data). */
  failure: 1,
  /** A usage problem: unknown command or flag, invalid flag value. */
  usage: 2,
  /** Training diverged (NaN/Inf in the loss or a gradient). */
  diverged: 3,
  /** Interrupted by Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;

/** A problem with how the command was called; exits 2 with one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem with a file or the data in it; exits 1 with one line. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** Training was stopped by Ctrl-C after writing a checkpoint; exits 130. */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** Maps an error to an exit code and the one line a user sees (never a stack trace). */
export function describeError(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: EXIT.usage, message: error.message };
  if (error instanceof CliFailure) return { code: EXIT.failure, message: error.message };
  if (error instanceof Interrupted) return { code: EXIT.interrupted, message: error.message };
  if (error instanceof FfnnError) {
    if (error.code === 'E_NUMERIC') return { code: EXIT.diverged, message: error.message };
    return { code: error.code === 'E_OPTION' ? EXIT.usage : EXIT.failure, message: error.message };
  }
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.path === 'string') {
    const what = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.code;
    return { code: EXIT.failure, message: `${e.path}: ${what}` };
  }
  return { code: EXIT.failure, message: `internal error: ${error instanceof Error ? error.message : String(error)} (please report it)` };
}
