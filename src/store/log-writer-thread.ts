// The embedded log's writer thread: commits each batch the store sends and answers with the
// outcomes, so the fsync happens here while the main thread goes on serving.

import { workerData } from 'node:worker_threads';
import { serveOnThread } from '../threads';
import { BatchCommitter, type AppendOutcome, type AppendRequest } from './log-writer';

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const committer = new BatchCommitter(file, busyTimeoutMs);

serveOnThread<readonly AppendRequest[], AppendOutcome[]>(
  (batch) => committer.commit(batch),
  () => committer.close(),
);
