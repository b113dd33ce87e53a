// The page's state lives in its URL, so a view can be shared as a link and back/forward walk
// through the views: /?country=KP, /?anchor=cpv-entry-korean-war, either with &asOf=<ISO instant>.

import { normaliseCountry } from './countries.js';
import { isInstant } from './dates.js';

const ANCHOR_ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The state a URL names: `view` is {kind: 'country', code} or {kind: 'anchor', anchorId} or null;
 * `asOf` an ISO instant or undefined (now, live). What cannot be read is listed in `ignored`.
 */
export function readUrl(href) {
  const params = new URL(href).searchParams;
  const ignored = [];
  const country = params.get('country');
  const anchor = params.get('anchor');
  const asOf = params.get('asOf');
  let view = null;
  if (country !== null) {
    const code = normaliseCountry(country);
    if (code) view = { kind: 'country', code };
    else ignored.push(`country "${country}"`);
  } else if (anchor !== null) {
    if (ANCHOR_ID.test(anchor)) view = { kind: 'anchor', anchorId: anchor };
    else ignored.push(`anchor "${anchor}"`);
  }
  if (asOf !== null && !isInstant(asOf)) ignored.push(`asOf "${asOf}" (an ISO instant such as 2025-09-01T08:00:00Z)`);
  return { view, asOf: asOf !== null && isInstant(asOf) ? asOf : undefined, ignored };
}

/** The URL (path and query) of a state. */
export function urlOf({ view, asOf }) {
  const params = new URLSearchParams();
  if (view?.kind === 'country') params.set('country', view.code);
  if (view?.kind === 'anchor') params.set('anchor', view.anchorId);
  if (asOf) params.set('asOf', asOf);
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

export const sameView = (a, b) =>
  a?.kind === b?.kind && (a?.kind === 'country' ? a.code === b.code : a?.anchorId === b?.anchorId);
