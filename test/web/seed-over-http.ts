// Posts the seed archive (test/fixtures/seed-events.ts) over the HTTP API, as an archivist would:
// anchors with PUT, facts with POST, corrections and retractions against the revision read. The
// server chooses the record ids; `ids` maps the seed's names to them.

import { FACT_KINDS, type AnchorData } from '../../src/domain/events';
import type { StoredEvent } from '../../src/store/event-store';
import { call } from '../support/server';

const KIND_OF_TYPE = new Map<string, string>(Object.entries(FACT_KINDS).map(([kind, type]) => [type, kind]));

export class SeedPoster {
  /** Seed record id → the id the server gave it. */
  readonly ids = new Map<string, string>();

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async post(events: readonly StoredEvent[]): Promise<void> {
    for (const event of events) await this.postOne(event);
  }

  /** The server's id for a seed record. */
  id(seedRecordId: string): string {
    const id = this.ids.get(seedRecordId);
    if (!id) throw new Error(`seed record ${seedRecordId} was not posted`);
    return id;
  }

  private async postOne(event: StoredEvent): Promise<void> {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'AnchorDefined' || event.type === 'AnchorRevised') {
      const { anchorId, ...anchor } = data as unknown as AnchorData;
      return this.send('PUT', `/api/anchors/${anchorId}`, anchor);
    }
    const { recordId, ...rest } = data as { recordId: string };
    if (event.type === 'RecordCorrected') {
      return this.send('POST', `/api/records/${this.id(recordId)}/corrections`, { ...rest, expectedRevision: event.revision - 1 });
    }
    if (event.type === 'RecordRetracted') {
      return this.send('POST', `/api/records/${this.id(recordId)}/retraction`, { ...rest, expectedRevision: event.revision - 1 });
    }
    const kind = KIND_OF_TYPE.get(event.type);
    if (!kind) throw new Error(`no recording route for ${event.type}`);
    const answer = await this.send('POST', `/api/records/${kind}`, rest);
    this.ids.set(recordId, answer.recordId);
  }

  private async send(method: string, path: string, body: unknown) {
    const answer = await call(this.url, method, path, body, this.headers);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

/** A moment strictly between what was recorded before it and what is recorded after it (for asOf). */
export async function distinctMoment(): Promise<string> {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  await tick();
  const moment = new Date().toISOString();
  await tick();
  return moment;
}
