// A log of timeline events at any size, written straight into an embedded store's file in large
// group commits (as an import would, not over HTTP): anchors, records of every type (most
// involving BUSY), corrections, retractions and a few anchor revisions, recorded TICK_MS apart
// from START, with record ids as random-looking as an import's. Deterministic: the same count
// writes the same log. For the timelines' bench and tests.

import { randomUUID } from 'node:crypto';
import { FACT_TYPES, type FactType } from '../src/domain/events';
import { recordIdForKey } from '../src/recording/idempotency';
import { EmbeddedEventStore } from '../src/store/embedded-store';
import type { EventToAppend } from '../src/store/event-store';

export const START = Date.parse('2025-01-01T00:00:00.000Z');
/** One event every 10 ms of recordedAt: distinct instants, as appends over HTTP would have. */
export const TICK_MS = 10;
/** The country in most records, whose timeline the reads ask for. */
export const BUSY = 'KP';
const ANCHORS = 10;
const COUNTRIES = ['CN', 'RU', 'SU', 'US', 'KR', 'JP', 'VN', 'MN', 'CU', 'LA', 'DE', 'FR', 'GB', 'IN', 'PL', 'CS'];
const GROUP = 2000;

/** A deterministic generator, so two runs write the same log. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export interface Generated {
  readonly dir: string;
  readonly count: number;
}

/** Writes `count` events: anchors, records of every type, corrections, retractions, a few anchor revisions. */
export async function writeTimelineLog(dir: string, count: number): Promise<Generated> {
  const store = new EmbeddedEventStore(dir);
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  /** The records not retracted: what an archivist could still correct or retract. */
  const records: string[] = [];
  let written = 0;
  const event = (type: string, data: unknown): EventToAppend => ({
    id: randomUUID(),
    type,
    data,
    metadata: { recordedBy: 'bench', recordedAt: new Date(START + written * TICK_MS).toISOString(), correlationId: 'bench', causationId: 'bench', schemaVersion: 1 },
  });
  const anchorData = (i: number, year: number) => ({ anchorId: `anchor-${i}`, name: `Anchor ${i}`, date: `${year}-07-27`, countries: [BUSY, 'CN'] });
  const revisions = new Set([Math.floor(count * 0.3), Math.floor(count * 0.6), Math.floor(count * 0.9)]);
  try {
    while (written < count) {
      const group: Promise<unknown>[] = [];
      for (let i = 0; i < GROUP && written < count; i++, written++) {
        const roll = next();
        if (written < ANCHORS) {
          group.push(store.append(`anchor-anchor-${written}`, [event('AnchorDefined', anchorData(written, 1945 + written))], 'no_stream'));
        } else if (revisions.has(written)) {
          const n = Math.floor(next() * ANCHORS);
          group.push(store.append(`anchor-anchor-${n}`, [event('AnchorRevised', anchorData(n, 1944 + n))], 'any'));
        } else if (roll < 0.7 || records.length < 100) {
          // A UUID derived from a key, as an import gives: ids in creation order ('r1', 'r2', ...,
          // or the API's time-ordered ones) would flatter the read models, whose lookups by record
          // id then touch neighbouring pages.
          const id = recordIdForKey(`bench-${written}`);
          const type = pick(FACT_TYPES);
          records.push(id);
          group.push(store.append(`commemoration-${id}`, [event(type, { recordId: id, ...fact(type, next, pick) })], 'no_stream'));
        } else if (roll < 0.95) {
          const id = pick(records);
          const changes = next() < 0.5 ? { occurredOn: date(next) } : { summary: `corrected at ${written}`, countries: [pick(COUNTRIES)] };
          group.push(store.append(`commemoration-${id}`, [event('RecordCorrected', { recordId: id, changes, reason: 'bench' })], 'any'));
        } else {
          const [id] = records.splice(Math.floor(next() * records.length), 1);
          group.push(store.append(`commemoration-${id}`, [event('RecordRetracted', { recordId: id, reason: 'bench' })], 'any'));
        }
      }
      await Promise.all(group); // one group commit
    }
  } finally {
    await store.close();
  }
  return { dir, count: written };
}

function date(next: () => number): string {
  const year = 1950 + Math.floor(next() * 76);
  const precision = next();
  const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
  return precision < 0.2 ? `${year}` : precision < 0.4 ? `${year}-${month}` : `${year}-${month}-${day}`;
}

function fact(type: FactType, next: () => number, pick: <T>(items: readonly T[]) => T): Record<string, unknown> {
  const actor = { name: 'A delegation head', role: 'Minister', country: next() < 0.4 ? BUSY : pick(COUNTRIES) };
  const site = { country: next() < 0.4 ? BUSY : pick(COUNTRIES), locality: 'Somewhere', name: 'A memorial site' };
  const common = {
    occurredOn: date(next),
    summary: 'A delegation lays a wreath at the memorial to the fallen on the anniversary of the armistice, and speaks of friendship.',
    sources: [{ publisher: 'The Korea Herald', title: 'A delegation remembers the fallen', url: 'https://example.org/news/1', publishedOn: '2020-10-22' }],
    commemorates: next() < 0.5 ? [`anchor-${Math.floor(next() * ANCHORS)}`] : [],
    countries: next() < 0.5 ? [pick(COUNTRIES)] : [],
  };
  switch (type) {
    case 'MonumentAnnounced':
      return { ...common, monument: { name: 'A monument', kind: 'new', place: site }, announcedBy: actor };
    case 'VisitMade':
      return { ...common, visitor: actor, site };
    case 'WreathSent':
      return { ...common, sender: actor, site, tribute: 'wreath' };
    default:
      return { ...common, speaker: actor, venue: 'press conference', place: site };
  }
}

