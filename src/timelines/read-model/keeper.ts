// Only one process may keep a data folder's read models: a second server on the same folder, or
// `annals rebuild` beside a running server, would write them from two checkpoints at once. An
// exclusive SQLite lock on a small file beside them says who keeps them. The operating system
// drops the lock when its process ends, however it ends, so a crash never leaves a stale claim.

import Database from 'better-sqlite3';
import { join, resolve } from 'node:path';

export const KEEPER_FILE = 'read-models.keeper';

/** Another process keeps the read models of this data folder. */
export class ReadModelsKept extends Error {}

export interface Claim {
  release(): void;
}

export function claimReadModels(dataDir: string): Claim {
  const folder = resolve(dataDir);
  const db = new Database(join(folder, KEEPER_FILE), { timeout: 0 });
  try {
    // Held from the first write until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS keeper (since TEXT); BEGIN EXCLUSIVE; COMMIT;');
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new ReadModelsKept(`another process keeps the read models in ${folder} (a server running on this data folder?)`);
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
