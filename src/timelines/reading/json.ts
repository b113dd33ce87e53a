// Answers written as JSON text: the read models keep each entry's JSON, which is spliced into
// the answer as it is rather than parsed and serialised again (a page of 500 entries is most
// of a read's cost otherwise).

import { positionToString, type Position } from '../../store/event-store';

/** A JSON object from fields whose values are already JSON text, in the order given. */
export const object = (fields: Readonly<Record<string, string>>): string =>
  `{${Object.entries(fields)
    .map(([key, json]) => `${JSON.stringify(key)}:${json}`)
    .join(',')}}`;

export const array = (items: readonly string[]): string => `[${items.join(',')}]`;

export const value = (data: unknown): string => JSON.stringify(data) ?? 'null';

/** Positions travel as strings of digits. */
export const position = (at: Position | undefined): string => (at === undefined ? 'null' : `"${positionToString(at)}"`);
