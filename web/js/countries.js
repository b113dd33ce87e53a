// Country names for the codes the archive uses: ISO 3166-1 alpha-2 through the browser's own
// locale data, plus the historical codes the archive gives a meaning of its own
// (src/domain/countries.ts, HISTORICAL_COUNTRY_CODES).

const HISTORICAL = { SU: 'Soviet Union', YU: 'Yugoslavia', CS: 'Czechoslovakia', DD: 'East Germany', XK: 'Kosovo' };

/** Offered in the country picker before the archive suggests more: the states this history is about. */
export const COMMON_COUNTRIES = ['KP', 'KR', 'CN', 'RU', 'SU', 'JP', 'US', 'MN', 'VN', 'GB', 'FR', 'DE'];

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

export function countryName(code) {
  if (HISTORICAL[code]) return HISTORICAL[code];
  try {
    return regionNames.of(code);
  } catch {
    return code; // not a region code the browser knows
  }
}

/** A code typed in any case, as the API wants it; undefined when it cannot be one. */
export function normaliseCountry(text) {
  const code = (text ?? '').trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}
