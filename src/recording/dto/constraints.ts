// The checks class-validator lacks, as decorators. Each can also check a list item by item
// (`{ each: true }`); it then leaves its test on the error, so that the error can name the failing
// items (`countries[1]`) rather than the whole list.

import { registerDecorator, type ValidationOptions } from 'class-validator';
import { HISTORICAL_COUNTRY_CODES, isCountryCode } from '../../domain/countries';
import { isPartialDate } from '../../domain/partial-date';

export type Check = (value: unknown) => boolean;

/** The key under which an item-by-item check leaves its test in a ValidationError's `contexts`. */
export const ITEM_CHECK = 'itemCheck';

export const ANCHOR_ID_MAX_LENGTH = 100;
/** Words of lower-case letters and digits joined by single dashes: `korean-war-armistice`. */
const ANCHOR_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const isAnchorId = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= ANCHOR_ID_MAX_LENGTH && ANCHOR_ID.test(value);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const MESSAGES = {
  anchorId: `must be an anchor id: lower-case letters and digits, words joined by single dashes, at most ${ANCHOR_ID_MAX_LENGTH} characters`,
  countryCode: `must be a known upper-case country code: ISO 3166-1 alpha-2, or one of ${Object.keys(HISTORICAL_COUNTRY_CODES).join(', ')}`,
  partialDate: 'must be a date that exists on the calendar, written YYYY, YYYY-MM or YYYY-MM-DD',
  record: 'must be an object',
} as const;

function constraint(name: string, check: Check, message: string): (options?: ValidationOptions) => PropertyDecorator {
  return (options = {}) =>
    (target, property) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: String(property),
        options: { message, ...options, ...(options.each ? { context: { [ITEM_CHECK]: check } } : {}) },
        validator: { validate: check },
      });
}

export const IsPartialDate = constraint('isPartialDate', (v) => typeof v === 'string' && isPartialDate(v), MESSAGES.partialDate);
export const IsCountryCode = constraint('isCountryCode', isCountryCode, MESSAGES.countryCode);
export const IsAnchorId = constraint('isAnchorId', isAnchorId, MESSAGES.anchorId);
/** Unlike class-validator's IsObject, refuses arrays too. */
export const IsRecord = constraint('isRecord', isRecord, MESSAGES.record);
export const IsNotBlank = constraint('isNotBlank', (v) => typeof v === 'string' && /\S/.test(v), 'must not be blank');
/** Stream revisions count from 0; past 2^53 a JSON number no longer says which revision it means. */
export const IsRevision = constraint(
  'isRevision',
  (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  'must be a whole number, 0 or more',
);
export const HasFields = constraint('hasFields', (v) => isRecord(v) && Object.keys(v).length > 0, 'must name at least one field');
