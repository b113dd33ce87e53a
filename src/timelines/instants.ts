// Instants as annals reads them: ISO 8601 with a zone, to the millisecond. The same rule as the
// pure replay's asOf (projections/replay.ts), so that an instant means one thing on both sides.

// A zone is required: without one Date.parse reads the local time, and the answer would depend on
// the machine's time zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or undefined when the value is not an ISO instant with a zone. */
export function parseInstant(text: unknown): number | undefined {
  if (typeof text !== 'string' || !ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
