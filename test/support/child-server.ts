// Runs the built server (dist/) as a child process, as `npm start` would, so tests can kill it.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../bench/servers';
import { visit } from './bodies';

export { freePort };

export const ROOT = join(__dirname, '..', '..');
export const BUILT_MAIN = join(ROOT, 'dist', 'src', 'main.js');

export const isBuilt = (): boolean => existsSync(BUILT_MAIN);

export interface ChildServer {
  readonly url: string;
  readonly process: ChildProcess;
  output(): string;
  /** Waits for the process to end; answers its exit code or signal. */
  exited(): Promise<number | string>;
}

export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [BUILT_MAIN], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, () => output);
  return { url, process: child, output: () => output, exited: () => exit };
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not answer within 20 s: ${output()}`);
}

/**
 * Sends `count` visits at once and signals the server once `after` of them were answered 201,
 * while the rest are in flight; answers the ids of every record the server acknowledged.
 */
export async function writeAndSignal(server: ChildServer, count: number, after: number, signal: NodeJS.Signals): Promise<string[]> {
  const acknowledged: string[] = [];
  let signalled = false;
  const write = async (i: number) => {
    try {
      const response = await fetch(`${server.url}/api/records/visits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...visit(), commemorates: [], summary: `write ${i}` }),
      });
      if (response.status === 201) acknowledged.push(((await response.json()) as { recordId: string }).recordId);
      if (acknowledged.length >= after && !signalled) {
        signalled = true;
        server.process.kill(signal);
      }
    } catch {
      // the connection died with the server: this write was never acknowledged
    }
  };
  await Promise.all(Array.from({ length: count }, (_, i) => write(i)));
  return acknowledged;
}
