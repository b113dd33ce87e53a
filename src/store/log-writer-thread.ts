// The embedded log's writer thread: commits each batch the store sends and answers with the
// outcomes, so the fsync happens here while the main thread goes on serving.

import { parentPort, workerData } from 'node:worker_threads';
import { BatchCommitter, type FromWriter, type ToWriter } from './log-writer';

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const committer = new BatchCommitter(file, busyTimeoutMs);
const port = parentPort!;

port.on('message', (message: ToWriter) => {
  if ('close' in message) {
    committer.close();
    port.postMessage({ closed: true } satisfies FromWriter);
    port.close();
    return;
  }
  try {
    port.postMessage({ outcomes: committer.commit(message.batch) } satisfies FromWriter);
  } catch (error) {
    const { message: text, code } = error as { message?: string; code?: string };
    port.postMessage({ failure: { message: String(text ?? error), ...(typeof code === 'string' ? { code } : {}) } } satisfies FromWriter);
  }
});
