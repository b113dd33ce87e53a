// Worker threads started from a module beside the caller: the compiled `.js` in the build, or,
// from TypeScript sources (the tests), the `.ts`, which the thread compiles on the way in with the
// compiler the project builds with.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';

const FROM_SOURCES = `
  const { readFileSync } = require('node:fs');
  const ts = require('typescript');
  require.extensions['.ts'] = (module, file) => {
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    module._compile(ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText, file);
  };
  require(require('node:worker_threads').workerData.entry);
`;

/** Whether `name` (without extension) is compiled in `dir`: this is the build, where a thread starts in a moment. */
export const isBuilt = (dir: string, name: string): boolean => existsSync(join(dir, `${name}.js`));

/** Starts the thread whose entry is `<dir>/<name>`, with `workerData`. */
export function startThread(dir: string, name: string, workerData: object, resourceLimits: ResourceLimits): Worker {
  if (isBuilt(dir, name)) return new Worker(join(dir, `${name}.js`), { workerData, resourceLimits });
  return new Worker(FROM_SOURCES, { eval: true, workerData: { ...workerData, entry: join(dir, `${name}.ts`) }, resourceLimits });
}

/** Messages between a thread's owner and the thread (see ThreadService, serveOnThread). */
type ToThread<Request> = { readonly request: Request } | { readonly close: true };
type FromThread<Answer> = { readonly answer: Answer } | { readonly failure: { readonly message: string; readonly code?: string } } | { readonly closed: true };

/**
 * A thread that answers requests one at a time, in the order they were asked, with its failures
 * as errors carrying their message and code. A caller may ask again before the answer comes: the
 * request waits in the thread's queue, so the thread starts on it the moment it is done with the
 * one before, rather than after a round trip through the caller. The thread keeps the process
 * alive only while a request is in flight or it is closing.
 *
 * A thread that dies (a native crash, running out of its heap) fails the requests in flight, and
 * the next request starts a fresh thread: a server whose writer died would otherwise refuse every
 * write until restarted. What the dead thread was doing is left to the caller, which knows
 * whether its work may have landed (the store answers with the error; the projector resumes from
 * the file's checkpoint).
 */
export class ThreadService<Request, Answer> {
  private worker: Worker | undefined;
  /** The requests in flight, oldest first: the thread answers in that order. */
  private waiting: { resolve: (answer: Answer) => void; reject: (error: unknown) => void }[] = [];
  private closing: (() => void) | undefined;
  private closed = false;
  private starts = 0;

  /** `what` names the thread in errors: "the event store writer". */
  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly workerData: object,
    private readonly resourceLimits: ResourceLimits,
    private readonly what: string,
  ) {
    this.worker = this.start();
  }

  /** How many threads this has started: more than one after a thread died. */
  get threadsStarted(): number {
    return this.starts;
  }

  ask(request: Request): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error(`${this.what} is closed`));
    const worker = (this.worker ??= this.start());
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      worker.ref();
      worker.postMessage({ request } satisfies ToThread<Request>);
    });
  }

  close(): Promise<void> {
    const worker = this.worker;
    this.closed = true;
    if (worker === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
      worker.ref();
      worker.postMessage({ close: true } satisfies ToThread<Request>);
    });
  }

  private start(): Worker {
    const worker = startThread(this.dir, this.name, this.workerData, this.resourceLimits);
    this.starts += 1;
    worker.unref();
    worker.on('message', (message: FromThread<Answer>) => this.receive(message, worker));
    worker.on('error', (error) => this.died(worker, error));
    worker.on('exit', (code) => this.died(worker, new Error(`${this.what} stopped (exit code ${code})`)));
    return worker;
  }

  private receive(message: FromThread<Answer>, worker: Worker): void {
    if ('closed' in message) {
      this.worker = undefined;
      this.closing?.();
      return;
    }
    const waiting = this.waiting.shift();
    if (this.waiting.length === 0) worker.unref();
    if ('answer' in message) waiting?.resolve(message.answer);
    else waiting?.reject(Object.assign(new Error(message.failure.message), { code: message.failure.code }));
  }

  /** Its 'error' and then its 'exit': the first one counts, for the thread still current. */
  private died(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const request of waiting) request.reject(error);
    this.closing?.();
  }
}

/** The thread's side of a ThreadService: answers each request with `handle`, and runs `close` when told to. */
export function serveOnThread<Request, Answer>(handle: (request: Request) => Answer, close: () => void): void {
  const port = parentPort!;
  port.on('message', (message: ToThread<Request>) => {
    if ('close' in message) {
      close();
      port.postMessage({ closed: true } satisfies FromThread<Answer>);
      port.close();
      return;
    }
    try {
      port.postMessage({ answer: handle(message.request) } satisfies FromThread<Answer>);
    } catch (error) {
      const { message: text, code } = error as { message?: string; code?: string };
      port.postMessage({ failure: { message: String(text ?? error), ...(typeof code === 'string' ? { code } : {}) } } satisfies FromThread<Answer>);
    }
  });
}
