// The events annals records: plain data, one discriminated union per stream kind.
// Nothing here knows about NestJS, storage or the clock.

/** A partial date, EDTF level 0: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export type PartialDate = string;
/** An upper-case country code: ISO 3166-1 alpha-2 or a historical one such as `SU`. */
export type CountryCode = string;

export interface Actor {
  readonly name: string;
  readonly role?: string;
  readonly country: CountryCode;
}

export interface Place {
  readonly country: CountryCode;
  readonly locality?: string;
  readonly name?: string;
}

export interface Source {
  readonly publisher: string;
  readonly title?: string;
  readonly url?: string;
  readonly publishedOn?: PartialDate;
}

/** The fields every fact has, whatever its kind. */
export interface FactCommon {
  readonly occurredOn: PartialDate;
  readonly summary: string;
  readonly sources: readonly Source[];
  readonly commemorates: readonly string[];
  readonly countries: readonly CountryCode[];
}

export const MONUMENT_KINDS = ['new', 'erected', 'restoration', 'remodelled'] as const;
export type MonumentKind = (typeof MONUMENT_KINDS)[number];
export const TRIBUTES = ['wreath', 'flower-basket', 'flowers'] as const;
export type Tribute = (typeof TRIBUTES)[number];

export interface MonumentFact extends FactCommon {
  readonly monument: { readonly name: string; readonly kind: MonumentKind; readonly place: Place };
  readonly announcedBy: Actor;
  readonly announcedAt?: Place;
}

export interface VisitFact extends FactCommon {
  readonly visitor: Actor;
  readonly site: Place;
  readonly delegation?: readonly Actor[];
}

export interface WreathFact extends FactCommon {
  readonly sender: Actor;
  readonly site: Place;
  readonly tribute: Tribute;
  readonly deliveredBy?: Actor;
}

export interface StatementFact extends FactCommon {
  readonly speaker: Actor;
  readonly venue?: string;
  readonly quote?: string;
  readonly language?: string;
  readonly place?: Place;
}

/** The facts by the event type that opens a record's stream. */
export interface FactsByType {
  MonumentAnnounced: MonumentFact;
  VisitMade: VisitFact;
  WreathSent: WreathFact;
  StatementIssued: StatementFact;
}
export type FactType = keyof FactsByType;
export const FACT_TYPES: readonly FactType[] = ['MonumentAnnounced', 'VisitMade', 'WreathSent', 'StatementIssued'];
export type Fact = FactsByType[FactType];

/** The recording routes' names, as in `/api/records/<kind>` and the import file's `kind`. */
export const FACT_KINDS = {
  'monument-announcements': 'MonumentAnnounced',
  visits: 'VisitMade',
  wreaths: 'WreathSent',
  statements: 'StatementIssued',
} as const satisfies Record<string, FactType>;
export type FactKind = keyof typeof FACT_KINDS;

type FactEvent<T extends FactType> = {
  readonly type: T;
  readonly data: FactsByType[T] & { readonly recordId: string };
};

/**
 * A correction names the fields it replaces, each whole. `null` clears an optional field.
 */
export type FactChanges = { readonly [field: string]: unknown };

export type RecordEvent =
  | FactEvent<'MonumentAnnounced'>
  | FactEvent<'VisitMade'>
  | FactEvent<'WreathSent'>
  | FactEvent<'StatementIssued'>
  | {
      readonly type: 'RecordCorrected';
      readonly data: { readonly recordId: string; readonly changes: FactChanges; readonly reason: string };
    }
  | { readonly type: 'RecordRetracted'; readonly data: { readonly recordId: string; readonly reason: string } };

export interface AnchorData {
  readonly anchorId: string;
  readonly name: string;
  readonly date: PartialDate;
  readonly countries: readonly CountryCode[];
  readonly description?: string;
}

export type AnchorEvent =
  | { readonly type: 'AnchorDefined'; readonly data: AnchorData }
  | { readonly type: 'AnchorRevised'; readonly data: AnchorData };

export type AnnalsEvent = RecordEvent | AnchorEvent;
export type AnnalsEventType = AnnalsEvent['type'];

export const RECORD_EVENT_TYPES: readonly RecordEvent['type'][] = [...FACT_TYPES, 'RecordCorrected', 'RecordRetracted'];
export const ANCHOR_EVENT_TYPES: readonly AnchorEvent['type'][] = ['AnchorDefined', 'AnchorRevised'];

/** Bumped when an event's data changes shape; readers upcast older versions. */
export const SCHEMA_VERSION = 1;

/** What every stored event carries besides its data. */
export interface EventMetadata {
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly schemaVersion: number;
  /** Present when the request carried an Idempotency-Key: the key and a digest of the request. */
  readonly idempotencyKey?: string;
  readonly requestDigest?: string;
}

export const recordStream = (recordId: string): string => `commemoration-${recordId}`;
export const anchorStream = (anchorId: string): string => `anchor-${anchorId}`;
export const RECORD_STREAM_PREFIX = 'commemoration-';
export const ANCHOR_STREAM_PREFIX = 'anchor-';

export const isFactType = (type: string): type is FactType => (FACT_TYPES as readonly string[]).includes(type);
