// The country codes the archive accepts: ISO 3166-1 alpha-2 and the few historical ones it needs.

import { HISTORICAL_COUNTRY_CODES, ISO_3166_1_ALPHA_2, isCountryCode } from '../../src/domain/countries';

const regionName = new Intl.DisplayNames(['en'], { type: 'region' });
// Unicode's locale data maps retired codes to their successors (BU -> MM, SU -> RU), so a name
// alone would let a retired code pass for a current one.
const canonicalRegion = (code: string): string | undefined => new Intl.Locale(`und-${code}`).region;

describe('the ISO 3166-1 alpha-2 list', () => {
  it('holds the 249 assigned codes, sorted, each once', () => {
    expect(ISO_3166_1_ALPHA_2).toHaveLength(249);
    expect(new Set(ISO_3166_1_ALPHA_2).size).toBe(249);
    expect([...ISO_3166_1_ALPHA_2].sort()).toEqual([...ISO_3166_1_ALPHA_2]);
  });

  it.each([...ISO_3166_1_ALPHA_2])('%s names a current region', (code) => {
    expect(regionName.of(code)).not.toBe(code);
    expect(regionName.of(code)).not.toBe('Unknown Region');
    expect(canonicalRegion(code)).toBe(code);
    expect(isCountryCode(code)).toBe(true);
  });
});

describe('historical codes', () => {
  it.each(['SU', 'YU', 'CS', 'DD', 'XK'])('%s is accepted', (code) => expect(isCountryCode(code)).toBe(true));

  it('are not in the ISO list, so each says why it is there', () => {
    for (const code of Object.keys(HISTORICAL_COUNTRY_CODES)) expect(ISO_3166_1_ALPHA_2).not.toContain(code);
  });
});

describe('isCountryCode', () => {
  it.each(['ZZ', 'kp', 'Kp', 'KPR', 'PRK', 'K', '', ' KP', 'KP ', 'EU', 'UK', 'AN', 'BU'])('refuses %p', (text) =>
    expect(isCountryCode(text)).toBe(false));

  it.each([42, null, undefined, ['KP'], { KP: true }])('refuses %p, which is not text', (value) => expect(isCountryCode(value)).toBe(false));
});
