// Runs the `annals` command as a user does: a child process, real files, exit codes and stderr.

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './child-server';

export const ANNALS_BIN = join(ROOT, 'bin', 'annals.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function annals(args: string[], env: Record<string, string>): CliRun {
  const run = spawnSync(process.execPath, [ANNALS_BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts `annals` without waiting, for tests that interrupt it. */
export const annalsInBackground = (args: string[], env: Record<string, string>) =>
  spawn(process.execPath, [ANNALS_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
