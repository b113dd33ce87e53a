// The entries of the timeline on screen, kept by recordId so that live changes apply in place:
// an upsert adds or replaces a record's entry (a correction may move it), a remove drops it.

import { dateSpan } from './dates.js';

/** The four kinds of fact, in the order their lanes appear. */
export const TYPES = {
  VisitMade: { slug: 'visit', label: 'Visit', lane: 'Visits' },
  WreathSent: { slug: 'wreath', label: 'Wreath', lane: 'Wreaths & flowers' },
  MonumentAnnounced: { slug: 'monument', label: 'Monument', lane: 'Monuments' },
  StatementIssued: { slug: 'statement', label: 'Statement', lane: 'Statements' },
};
export const typeInfo = (type) => TYPES[type] ?? { slug: 'other', label: type, lane: type };

export const isMilestone = (years) => years >= 1 && years % 5 === 0;

export class Entries {
  /** view: {kind: 'country', code} or {kind: 'anchor', anchorId}; entries in the API's order. */
  constructor(view, entries = []) {
    this.view = view;
    this.byId = new Map();
    // The API orders entries of the same first day by when their records were created; a record
    // that arrives live was created after every one loaded, so a growing counter keeps that order.
    this.nextSeq = 0;
    for (const entry of entries) this.apply({ change: 'upsert', entry });
  }

  get size() {
    return this.byId.size;
  }

  get(recordId) {
    return this.byId.get(recordId)?.entry;
  }

  /** Entries in timeline order: by the first day their date can mean, then by creation. */
  sorted() {
    return [...this.byId.values()].sort((a, b) => a.start - b.start || a.seq - b.seq).map(({ entry }) => entry);
  }

  /** The anniversary an entry marks in an anchor view (years since the anchor), else undefined. */
  yearsOf(entry) {
    if (this.view.kind !== 'anchor') return undefined;
    return entry.commemorates?.find((c) => c.anchorId === this.view.anchorId)?.years;
  }

  /**
   * Applies one change from the live stream. Answers what it did, for the page to announce:
   * 'added', 'moved' (its date or anniversary changed), 'updated', 'removed' or 'ignored'.
   */
  apply({ change, entry }) {
    const held = this.byId.get(entry.recordId);
    if (change === 'remove' || !this.belongs(entry)) {
      return held && this.byId.delete(entry.recordId) ? 'removed' : 'ignored';
    }
    if (held && entry.revision < held.entry.revision) return 'ignored'; // a replay of an older state
    const span = dateSpan(entry.occurredOn);
    this.byId.set(entry.recordId, { entry, start: span ? span.start.getTime() : 0, seq: held ? held.seq : this.nextSeq++ });
    if (!held) return 'added';
    const moved = held.entry.occurredOn !== entry.occurredOn || this.yearsOf(held.entry) !== this.yearsOf(entry);
    return moved ? 'moved' : 'updated';
  }

  // An anchor view holds the records that mark one of its anniversaries (a year or more after it).
  belongs(entry) {
    return this.view.kind !== 'anchor' || (this.yearsOf(entry) ?? 0) >= 1;
  }
}
