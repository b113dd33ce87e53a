// Child processes for the benches: the built annals server and the bare baseline server.

import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const DIST = join(__dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export interface Child {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url}: no answer within 30 s`);
}

function childOf(process: ChildProcess, url: string): Child {
  return {
    url,
    process,
    stop: () =>
      new Promise((resolve) => {
        if (process.exitCode !== null) return resolve();
        process.once('exit', () => resolve());
        process.kill('SIGTERM');
        setTimeout(() => process.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export async function startAnnals(dataDir: string, env: Record<string, string> = {}): Promise<Child> {
  const port = await freePort();
  const child = fork(join(DIST, 'src', 'main.js'), [], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ANNALS_DATA_DIR: dataDir, ANNALS_API_KEYS: '', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/health`, child);
  return childOf(child, url);
}

export async function startBaseline(dataDir: string): Promise<Child> {
  const port = await freePort();
  const child = fork(join(DIST, 'bench', 'baseline-server.js'), [dataDir, String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return childOf(child, `http://127.0.0.1:${port}`);
}

/** A process's resident memory in MB, from /proc. */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
