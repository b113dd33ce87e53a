// Country codes as the archive records them: ISO 3166-1 alpha-2, plus the few codes of states
// that have since dissolved (or that ISO does not assign) which the commemorated history needs.
// Codes are upper-case only: `kp` is refused rather than folded, so a stored code is always the
// code the timelines are keyed by.

import type { CountryCode } from './events';

/** The 249 officially assigned ISO 3166-1 alpha-2 codes. */
export const ISO_3166_1_ALPHA_2 = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
  'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ',
  'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ',
  'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ',
  'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET',
  'FI', 'FJ', 'FK', 'FM', 'FO', 'FR',
  'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY',
  'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT',
  'JE', 'JM', 'JO', 'JP',
  'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ',
  'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY',
  'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ',
  'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ',
  'OM',
  'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY',
  'QA',
  'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ',
  'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ',
  'UA', 'UG', 'UM', 'US', 'UY', 'UZ',
  'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU',
  'WF', 'WS',
  'YE', 'YT',
  'ZA', 'ZM', 'ZW',
] as const;

/**
 * Codes outside today's ISO list, each with the one meaning it has in this archive.
 *
 * The records are about commemorating wars fought by states that no longer exist, and about the
 * states of the time that took part: an event in 1945 was the Soviet Union's, not Russia's.
 * ISO 3166-1 dropped these codes when the states dissolved and keeps them reserved, so none can
 * mean a present-day country. Their ISO 3166-3 four-letter codes (SUHH, YUCS, CSHH, DDDE) are
 * not used, so that every country in the archive has a code of the same two-letter form.
 */
export const HISTORICAL_COUNTRY_CODES = {
  /** The Soviet Union (1922-1991): the Red Army in Korea and Manchuria in 1945, the Soviet war graves. */
  SU: 'Soviet Union',
  /** Yugoslavia (1918-1992), and the Federal Republic of Yugoslavia (1992-2003) that ISO kept under YU. */
  YU: 'Yugoslavia',
  /**
   * Czechoslovakia (1918-1992): with Poland, a member of the Korean War armistice's Neutral Nations
   * Supervisory Commission. ISO later reused CS for Serbia and Montenegro (2003-2006); a code must
   * have one meaning here, and that short-lived state is recorded as YU, the state it renamed.
   */
  CS: 'Czechoslovakia',
  /** The German Democratic Republic (1949-1990). */
  DD: 'East Germany',
  /**
   * Kosovo: not an ISO code but the user-assigned one that the European Commission, SWIFT and
   * Unicode's locale data (so also `Intl.DisplayNames`) use while ISO assigns none.
   */
  XK: 'Kosovo',
} as const satisfies Record<string, string>;

const KNOWN: ReadonlySet<string> = new Set<string>([...ISO_3166_1_ALPHA_2, ...Object.keys(HISTORICAL_COUNTRY_CODES)]);

/** Whether the text is a country code the archive knows, in upper case. */
export const isCountryCode = (text: unknown): text is CountryCode => typeof text === 'string' && KNOWN.has(text);
