// What the record shells share, kept free of NestJS so the command line's batch import uses the
// very same rules as the handlers: the answer to a retried request, and a fact's lists filled in.

import type { Fact } from '../domain/events';
import { fail, ok, type Result } from '../domain/errors';
import type { Position, StoredEvent } from '../store/event-store';
import type { Idempotency } from './idempotency';

export interface Recorded {
  readonly recordId: string;
  readonly revision: number;
  readonly position: Position;
}

/**
 * The first answer to an earlier request with the same Idempotency-Key on this record, if there
 * was one; the key used for another request is refused.
 */
export function answerForRetry(recordId: string, events: readonly StoredEvent[], idempotency: Idempotency): Result<Recorded> | undefined {
  const earlier = events.find((event) => event.metadata.idempotencyKey === idempotency.key);
  if (!earlier) return undefined;
  if (earlier.metadata.requestDigest !== idempotency.digest) return fail({ code: 'idempotency_key_reused', key: idempotency.key });
  return ok({ recordId, revision: earlier.revision, position: earlier.position });
}

/** Optional lists are stored as empty lists, so readers never meet a missing one. */
export const withLists = (fact: Fact): Fact => ({ ...fact, commemorates: fact.commemorates ?? [], countries: fact.countries ?? [] });
