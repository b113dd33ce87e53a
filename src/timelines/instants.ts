// Instants as annals reads them: ISO 8601 with a zone, to the millisecond. The same rule as the
// pure replay's asOf (projections/replay.ts), so that an instant means one thing on both sides.

import { parsePartialDate } from '../domain/partial-date';

// A zone is required: without one Date.parse reads the local time, and the answer would depend on
// the machine's time zone.
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch, or undefined when the value is not an ISO instant with a zone. */
export function parseInstant(text: unknown): number | undefined {
  if (typeof text !== 'string' || !ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * As parseInstant, for what a client sends: also refuses what Date.parse would quietly roll over
 * (30 February, 24:00, a 61st second) rather than answer for a moment nobody asked about.
 */
export function parseExactInstant(text: string): number | undefined {
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const [, day, hours, minutes, seconds = '00', zoneHours = '00', zoneMinutes = '00'] = match;
  const exists = parsePartialDate(day) !== undefined && Number(hours) < 24 && Number(minutes) < 60 && Number(seconds) < 60;
  return exists && Number(zoneHours) < 24 && Number(zoneMinutes) < 60 ? parseInstant(text) : undefined;
}
