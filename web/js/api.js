// The API as the page uses it: every call goes to this origin, with the reader's key when one is
// saved (a header for fetch; EventSource cannot send headers, so ?access_token= for live streams).

const KEY_STORAGE = 'annals:api-key';
/** Entries per request when paging a timeline: the API's largest page, so 1,000 entries take two. */
export const PAGE_SIZE = 500;

export const apiKey = {
  get: () => localStorage.getItem(KEY_STORAGE) ?? '',
  set: (key) => (key ? localStorage.setItem(KEY_STORAGE, key) : localStorage.removeItem(KEY_STORAGE)),
};

/** A refused or failed call, with the problem details the API sent (RFC 9457) when it sent any. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The server answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function getJson(path, { signal } = {}) {
  const key = apiKey.get();
  const response = await fetch(path, { signal, headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

const query = (params) => {
  const defined = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return defined.length ? `?${new URLSearchParams(defined)}` : '';
};

export const listAnchors = (options) => getJson('/api/anchors', options);
export const getRecord = (recordId, options) => getJson(`/api/records/${encodeURIComponent(recordId)}`, options);
export const getArchiveSpan = (options) => getJson('/api/archive', options);
/** The anchors' anniversaries in the coming `days`, from today (the server's), by day. */
export const upcomingAnniversaries = (days, options) => getJson(`/api/anniversaries/upcoming${query({ days })}`, options);

/**
 * A country's whole timeline, paged through nextCursor. The position is the first page's: changes
 * after it are replayed by the live stream, and replaying one a later page already has is harmless
 * (changes apply by recordId), while starting later could miss one.
 */
export async function countryTimeline(code, { asOf, signal } = {}) {
  const path = `/api/timelines/countries/${encodeURIComponent(code)}`;
  const first = await getJson(path + query({ asOf, limit: PAGE_SIZE }), { signal });
  const entries = [...first.entries];
  for (let cursor = first.nextCursor; cursor; ) {
    const page = await getJson(path + query({ asOf, limit: PAGE_SIZE, cursor }), { signal });
    entries.push(...page.entries);
    cursor = page.nextCursor;
  }
  return { position: first.position, entries };
}

/** An anchor's anniversaries, each with the entries that mark it. */
export const anniversaryTimeline = (anchorId, { asOf, signal } = {}) =>
  getJson(`/api/timelines/anniversaries/${encodeURIComponent(anchorId)}${query({ asOf })}`, { signal });

/** Where the live stream of a view is, resuming after `after` (a log position). */
export function liveUrl(view, after) {
  const base =
    view.kind === 'country'
      ? `/api/timelines/countries/${encodeURIComponent(view.code)}/live`
      : `/api/timelines/anniversaries/${encodeURIComponent(view.anchorId)}/live`;
  return base + query({ after, access_token: apiKey.get() || undefined });
}
