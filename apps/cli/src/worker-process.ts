import { type ChildProcess, fork } from 'node:child_process';

/**
 * A worker process of the `ffnn` entry script `bin` running the hidden command `command`, talking
 * over IPC, its stderr piped for the parent's error messages. Workers run single-threaded kernels
 * (`FFNN_THREADS=1`): their parallelism is across processes, one per core.
 */
export function forkWorker(bin: string, command: string): ChildProcess {
  return fork(bin, [command], { env: { ...process.env, FFNN_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
}
