// Input validation as the HTTP API and the import command share it: given a body, then either the
// plain data to record or every failing field, named by its path.

import fc from 'fast-check';
import { FACT_KINDS, type FactKind, type FactType } from '../../src/domain/events';
import { AnchorBody, CorrectionBody, RetractionBody } from '../../src/recording/dto';
import {
  validateAnchorId,
  validateBody,
  validateChanges,
  validateFact,
  type Validation,
  type ValidationIssue,
} from '../../src/recording/validate';

// The news material in shared/seeds.
const koreaHerald = {
  publisher: 'The Korea Herald',
  title: "N. Korea's leader pays respect to fallen Chinese soldiers in Korean War",
  url: 'https://www.koreaherald.com/view.php?ud=20201022000000',
  publishedOn: '2020-10-22',
};
const hoechangCemetery = {
  name: "Cemetery of the Chinese People's Volunteers",
  locality: 'Hoechang County, South Pyongan Province',
  country: 'KP',
};
const kcnaOfficial = (name: string) => ({ name, role: 'senior official', country: 'KP' });

const visit = () => ({
  occurredOn: '2020-10-22',
  summary:
    "Kim Jong-un visits the cemetery of the Chinese People's Volunteers in Hoechang County around the 70th anniversary " +
    'of their entry into the Korean War, and lays flowers at the tomb of Mao Anying.',
  sources: [koreaHerald],
  commemorates: ['cpv-entry-korean-war'],
  countries: ['CN'],
  visitor: { name: 'Kim Jong-un', role: 'Chairman of the State Affairs Commission', country: 'KP' },
  site: hoechangCemetery,
  delegation: [kcnaOfficial('Choe Ryong-hae'), kcnaOfficial('Pak Pong-ju'), kcnaOfficial('Ri Pyong-chol')],
});

const wreath = () => ({
  occurredOn: '2020-10-22',
  summary: "Xi Jinping sends a basket of flowers to the Chinese People's Volunteers' cemetery in Hoechang on the day of Kim's visit.",
  sources: [koreaHerald],
  commemorates: ['cpv-entry-korean-war'],
  sender: { name: 'Xi Jinping', role: 'President of the PRC', country: 'CN' },
  site: hoechangCemetery,
  tribute: 'flower-basket',
  deliveredBy: { name: 'Li Jinjun', role: 'Chinese ambassador to the DPRK', country: 'CN' },
});

const monument = () => ({
  occurredOn: '2025-07',
  summary:
    "Sergei Lavrov announces in Wonsan a monument in the 'Patriots' park to the joint struggle of the Soviet Union " +
    'and Korea against Japanese militarism.',
  sources: [{ publisher: 'RIA Novosti' }],
  commemorates: ['liberation-of-korea'],
  countries: ['SU'],
  monument: {
    name: 'Monument to the joint struggle of the Soviet Union and Korea against Japanese militarism',
    kind: 'new',
    place: { name: "Military-patriotic park of culture and leisure 'Patriots'", locality: 'Moscow region', country: 'RU' },
  },
  announcedBy: { name: 'Sergei Lavrov', role: 'Minister of Foreign Affairs', country: 'RU' },
  announcedAt: { locality: 'Wonsan', country: 'KP' },
});

const statement = () => ({
  occurredOn: '2023-04-24',
  summary: "The DPRK's ambassador Sin Hong-chol tells TASS that the monuments to Soviet soldiers are carefully looked after in North Korea.",
  sources: [{ publisher: 'TASS', url: 'https://tass.com/politics', publishedOn: '2023-04-24' }],
  countries: ['SU'],
  speaker: { name: 'Sin Hong-chol', role: 'Ambassador of the DPRK to Russia', country: 'KP' },
  venue: 'interview with TASS',
  quote: 'We cherish the tradition of Korean-Russian friendship and solidarity, which has developed in the spirit of military comradeship.',
  language: 'en',
  place: { locality: 'Moscow', country: 'RU' },
});

const BODIES = { visits: visit, wreaths: wreath, 'monument-announcements': monument, statements: statement } as const;

const pathsOf = (result: Validation<unknown>): string[] => (result.ok ? [] : result.errors.map((e) => e.path).sort());
const errorsOf = (result: Validation<unknown>): readonly ValidationIssue[] => (result.ok ? [] : result.errors);
const repeat = <T>(count: number, item: T): T[] => Array.from({ length: count }, () => item);

describe('a valid fact', () => {
  it.each(Object.keys(BODIES) as FactKind[])('%s: is accepted as the same plain data', (kind) => {
    const body = BODIES[kind]();
    const result = validateFact(kind, body);
    expect(result).toEqual({ ok: true, value: body });
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it.each([
    ['only the required fields', { ...visit(), commemorates: undefined, countries: undefined, delegation: undefined }],
    ['a year for a date', { ...visit(), occurredOn: '2013' }],
    ['a leap day', { ...visit(), occurredOn: '2020-02-29' }],
    ['a summary of exactly 2000 characters', { ...visit(), summary: 'x'.repeat(2000) }],
    ['20 sources', { ...visit(), sources: repeat(20, { publisher: 'KCNA' }) }],
    ['empty optional lists', { ...visit(), commemorates: [], countries: [], delegation: [] }],
    ['a historical country', { ...visit(), countries: ['SU', 'YU', 'CS', 'DD', 'XK'] }],
    ['an http URL', { ...visit(), sources: [{ publisher: 'KCNA', url: 'http://kcnawatch.org/' }] }],
  ])('accepts %s', (_name, body) => expect(validateFact('visits', body).ok).toBe(true));

  it('drops keys whose value is undefined, so the value can be stored as it is', () => {
    const result = validateFact('visits', { ...visit(), delegation: undefined, visitor: { name: 'Kim Jong-un', role: undefined, country: 'KP' } });
    expect(result.ok && result.value.visitor).toEqual({ name: 'Kim Jong-un', country: 'KP' });
    expect(result.ok && Object.keys(result.value)).not.toContain('delegation');
  });

  it('hands back a copy, not the body', () => {
    const body = visit();
    const result = validateFact('visits', body);
    expect(result.ok && result.value.sources).not.toBe(body.sources);
  });
});

describe('an invalid fact names every failing field', () => {
  const cases: [string, FactKind, unknown, string[]][] = [
    ['a missing summary', 'visits', { ...visit(), summary: undefined }, ['summary']],
    ['an empty summary', 'visits', { ...visit(), summary: '' }, ['summary']],
    ['a blank summary', 'visits', { ...visit(), summary: ' \n\t ' }, ['summary']],
    ['a summary of 2001 characters', 'visits', { ...visit(), summary: 'x'.repeat(2001) }, ['summary']],
    ['a number for a string', 'visits', { ...visit(), summary: 42 }, ['summary']],
    ['a null for a required field', 'visits', { ...visit(), summary: null }, ['summary']],
    ['a null for an optional field', 'visits', { ...visit(), visitor: { ...visit().visitor, role: null } }, ['visitor.role']],
    ['an overlong name', 'visits', { ...visit(), visitor: { ...visit().visitor, name: 'K'.repeat(201) } }, ['visitor.name']],
    ['a string for the sources', 'visits', { ...visit(), sources: 'TASS' }, ['sources']],
    ['no sources', 'visits', { ...visit(), sources: [] }, ['sources']],
    ['21 sources', 'visits', { ...visit(), sources: repeat(21, { publisher: 'KCNA' }) }, ['sources']],
    ['a source without publisher', 'visits', { ...visit(), sources: [{ title: 'no publisher' }] }, ['sources[0].publisher']],
    ['a source that is not an object', 'visits', { ...visit(), sources: [koreaHerald, 'TASS', null, []] }, ['sources[1]', 'sources[2]', 'sources[3]']],
    [
      'sources bad as a whole and in their fields',
      'visits',
      { ...visit(), sources: [{ publisher: 42 }, [{ publisher: 42 }], { title: 't' }] },
      ['sources[0].publisher', 'sources[1]', 'sources[2].publisher'],
    ],
    ['an ftp URL', 'visits', { ...visit(), sources: [{ publisher: 'KCNA', url: 'ftp://kcna.kp/' }] }, ['sources[0].url']],
    ['a javascript: URL', 'visits', { ...visit(), sources: [{ publisher: 'KCNA', url: 'javascript:alert(1)' }] }, ['sources[0].url']],
    ['a URL without scheme', 'visits', { ...visit(), sources: [{ publisher: 'KCNA', url: 'kcna.kp' }] }, ['sources[0].url']],
    ['an unpublished date', 'visits', { ...visit(), sources: [{ publisher: 'KCNA', publishedOn: '2020-10-32' }] }, ['sources[0].publishedOn']],
    ['30 February', 'visits', { ...visit(), occurredOn: '2023-02-30' }, ['occurredOn']],
    ['29 February of a common year', 'visits', { ...visit(), occurredOn: '2023-02-29' }, ['occurredOn']],
    ['month 13', 'visits', { ...visit(), occurredOn: '2023-13' }, ['occurredOn']],
    ['a two-digit year', 'visits', { ...visit(), occurredOn: '20-10' }, ['occurredOn']],
    ['a date with a time', 'visits', { ...visit(), occurredOn: '2020-10-22T10:00:00Z' }, ['occurredOn']],
    ['a number for a date', 'visits', { ...visit(), occurredOn: 2020 }, ['occurredOn']],
    ['a lower-case country', 'visits', { ...visit(), visitor: { ...visit().visitor, country: 'kp' } }, ['visitor.country']],
    ['an unknown country', 'visits', { ...visit(), site: { ...hoechangCemetery, country: 'ZZ' } }, ['site.country']],
    ['a three-letter country', 'visits', { ...visit(), visitor: { ...visit().visitor, country: 'PRK' } }, ['visitor.country']],
    ['bad countries in the list', 'visits', { ...visit(), countries: ['CN', 'kp', 'KPR', 'ZZ', 'SU'] }, ['countries[1]', 'countries[2]', 'countries[3]']],
    ['a repeated country', 'visits', { ...visit(), countries: ['CN', 'CN'] }, ['countries']],
    ['a string for a list of countries', 'visits', { ...visit(), countries: 'CN' }, ['countries']],
    ['a bad anchor id in commemorates', 'visits', { ...visit(), commemorates: ['cpv-entry-korean-war', 'Korean War'] }, ['commemorates[1]']],
    ['a repeated anchor id', 'visits', { ...visit(), commemorates: ['cpv-entry-korean-war', 'cpv-entry-korean-war'] }, ['commemorates']],
    ['a site without name', 'visits', { ...visit(), site: { country: 'KP' } }, ['site.name']],
    ['a wreath site without name', 'wreaths', { ...wreath(), site: { country: 'KP', locality: 'Hoechang County' } }, ['site.name']],
    ['a string for the visitor', 'visits', { ...visit(), visitor: 'Kim Jong-un' }, ['visitor']],
    ['a list for the visitor', 'visits', { ...visit(), visitor: [visit().visitor] }, ['visitor']],
    ['a delegate without name', 'visits', { ...visit(), delegation: [kcnaOfficial('a'), kcnaOfficial('b'), { country: 'KP' }] }, ['delegation[2].name']],
    ['101 delegates', 'visits', { ...visit(), delegation: repeat(101, kcnaOfficial('a')) }, ['delegation']],
    ['an unknown tribute', 'wreaths', { ...wreath(), tribute: 'bouquet' }, ['tribute']],
    ['a missing tribute', 'wreaths', { ...wreath(), tribute: undefined }, ['tribute']],
    ['a deliverer from nowhere', 'wreaths', { ...wreath(), deliveredBy: { name: 'Li Jinjun', country: 'Atlantis' } }, ['deliveredBy.country']],
    ['an unknown monument kind', 'monument-announcements', { ...monument(), monument: { ...monument().monument, kind: 'demolished' } }, ['monument.kind']],
    [
      'a monument in an unknown country',
      'monument-announcements',
      { ...monument(), monument: { ...monument().monument, place: { country: 'USSR' } } },
      ['monument.place.country'],
    ],
    ['a monument without place', 'monument-announcements', { ...monument(), monument: { name: 'x', kind: 'new' } }, ['monument.place']],
    ['a statement without speaker', 'statements', { ...statement(), speaker: undefined }, ['speaker']],
    ['an overlong quote', 'statements', { ...statement(), quote: 'q'.repeat(10_001) }, ['quote']],
    ['an unknown field at the top', 'visits', { ...visit(), ocurredOn: '2020' }, ['ocurredOn']],
    ['an unknown field in an object', 'visits', { ...visit(), visitor: { ...visit().visitor, nickname: 'Marshal' } }, ['visitor.nickname']],
    ['an unknown field in a list item', 'visits', { ...visit(), sources: [{ ...koreaHerald, extra: 1 }] }, ['sources[0].extra']],
    ['an unknown field two levels down', 'monument-announcements', { ...monument(), monument: { ...monument().monument, place: { country: 'RU', x: 1 } } }, ['monument.place.x']],
    ['a field of another kind of fact', 'visits', { ...visit(), tribute: 'wreath' }, ['tribute']],
    ['a field named oddly', 'visits', { ...visit(), 'visitor name': 'Kim' }, ['["visitor name"]']],
    [
      'fields named like Object.prototype members',
      'visits',
      { ...JSON.parse('{"__proto__": {"summary": "x"}}'), ...visit(), constructor: 'x', visitor: { ...visit().visitor, toString: 'x' } },
      ['__proto__', 'constructor', 'visitor.toString'],
    ],
    [
      'several fields at once',
      'visits',
      {
        ...visit(),
        occurredOn: '2023-02-30',
        summary: '',
        site: { country: 'kp' },
        sources: [{ publisher: 'KCNA', url: 'x' }, { title: 't' }, 'TASS'],
        delegation: [{ name: 'a', country: 'KP', nickname: 'b' }],
        extra: true,
      },
      ['delegation[0].nickname', 'extra', 'occurredOn', 'site.country', 'site.name', 'sources[0].url', 'sources[1].publisher', 'sources[2]', 'summary'],
    ],
  ];

  it.each(cases)('%s', (_name, kind, body, paths) => expect(pathsOf(validateFact(kind, body))).toEqual(paths));

  it('says why, without repeating the field name', () => {
    expect(errorsOf(validateFact('visits', { ...visit(), summary: '', occurredOn: '2023-02-30', tribute: 'wreath', visitor: 'Kim' }))).toEqual(
      expect.arrayContaining([
        { path: 'summary', message: 'must not be blank' },
        { path: 'occurredOn', message: 'must be a date that exists on the calendar, written YYYY, YYYY-MM or YYYY-MM-DD' },
        { path: 'tribute', message: 'is not a known field' },
        { path: 'visitor', message: 'must be an object' },
      ]),
    );
  });

  it.each([
    ['a missing field', { summary: undefined }, 'summary', 'is required'],
    ['a number for a string', { summary: 42 }, 'summary', 'must be a string'],
    ['an overlong string', { summary: 'x'.repeat(2001) }, 'summary', 'must be at most 2000 characters long'],
    ['a string for a list', { sources: 'TASS' }, 'sources', 'must be an array'],
    ['too long a list', { sources: repeat(21, 'TASS') }, 'sources', 'must have at most 20 items'],
    ['an empty list', { sources: [] }, 'sources', 'must have at least 1 item'],
    ['a repeated item', { countries: ['CN', 'CN'] }, 'countries', 'must not name the same item twice'],
    ['a bad url', { sources: [{ publisher: 'KCNA', url: 'x'.repeat(2001) }] }, 'sources[0].url', 'must be at most 2000 characters long'],
  ])('gives the most basic reason for %s', (_name, change, path, message) =>
    expect(errorsOf(validateFact('visits', { ...visit(), ...change }))).toEqual([{ path, message }]));

  it('refuses a kind that is not a recording route', () =>
    expect(pathsOf(validateFact('parades' as FactKind, visit()))).toEqual(['kind']));
});

describe('a body that is not an object', () => {
  it.each([null, undefined, [], [visit()], 'visit', 42, true])('%p is refused as a whole', (body) =>
    expect(errorsOf(validateFact('visits', body))).toEqual([{ path: '(body)', message: 'must be a JSON object' }]));
});

describe('garbage never throws', () => {
  const deep = (levels: number): unknown => {
    let value: unknown = 'bottom';
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };

  it('refuses deep nesting where it gets too deep', () => {
    const result = validateFact('visits', { ...visit(), visitor: deep(100_000) });
    expect(pathsOf(result)).toEqual(['visitor' + '.a'.repeat(15)]);
  });

  it('refuses a cycle', () => {
    const body: Record<string, unknown> = visit();
    body.self = body;
    expect(validateFact('visits', body).ok).toBe(false);
  });

  it.each([
    ['a huge list', { ...visit(), sources: repeat(1_000_000, koreaHerald) }],
    ['a huge object', { ...visit(), site: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) }],
  ])('refuses %s as a whole', (_name, body) =>
    expect(errorsOf(validateFact('visits', body))).toEqual([{ path: '(body)', message: 'holds more than 10000 values' }]));

  it.each([
    ['a bigint', { ...visit(), summary: 10n }, ['summary']],
    ['a function', { ...visit(), visitor: { ...visit().visitor, name: () => 'Kim' } }, ['visitor.name']],
    ['a date object', { ...visit(), occurredOn: new Date('2020-10-22') }, ['occurredOn']],
    ['a map', { ...visit(), site: new Map([['country', 'KP']]) }, ['site']],
    ['not a number', { ...visit(), sources: [{ publisher: NaN }] }, ['sources[0].publisher']],
    ['a hole in a list', { ...visit(), countries: ['CN', , 'RU'] }, ['countries[1]']], // eslint-disable-line no-sparse-arrays
  ])('refuses %s as not JSON data', (_name, body, paths) => expect(pathsOf(validateFact('visits', body))).toEqual(paths));

  it('refuses what is not JSON even where no field is checked', () =>
    expect(pathsOf(validateBody(CorrectionBody, { expectedRevision: 0, changes: { summary: 10n }, reason: 'r' }))).toEqual([
      'changes.summary',
    ]));

  const kinds = fc.constantFrom(...(Object.keys(FACT_KINDS) as FactKind[]));

  it('answers any JSON with a value or with issues', () =>
    fc.assert(
      fc.property(kinds, fc.jsonValue(), (kind, body) => {
        const result = validateFact(kind, body);
        expect(result.ok || result.errors.length > 0).toBe(true);
      }),
    ));

  it('answers anything at all in any field, naming no other field', () =>
    fc.assert(
      fc.property(kinds, fc.nat(), fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true, withSparseArray: true }), (kind, pick, junk) => {
        const body: Record<string, unknown> = BODIES[kind]();
        const field = Object.keys(body)[pick % Object.keys(body).length];
        const changes = junk === undefined ? [] : [validateChanges(FACT_KINDS[kind], { [field]: junk })]; // else no field is named
        for (const result of [validateFact(kind, { ...body, [field]: junk }), ...changes]) {
          for (const { path } of errorsOf(result)) expect(path).toMatch(new RegExp(`^(changes\\.)?${field}(\\.|\\[|$)`));
        }
      }),
    ));

  it('names each bad item of a long list', () => {
    const result = validateFact('visits', { ...visit(), delegation: repeat(100, { name: 42, country: 'kp' }) });
    expect(errorsOf(result)).toHaveLength(200);
  });
});

describe('a correction body', () => {
  const correction = { expectedRevision: 0, changes: { occurredOn: '2020-10' }, reason: 'The report gives only the month.' };

  it('is accepted with its changes as they are', () => expect(validateBody(CorrectionBody, correction)).toEqual({ ok: true, value: correction }));

  it.each([
    ['a negative revision', { ...correction, expectedRevision: -1 }, ['expectedRevision']],
    ['a fractional revision', { ...correction, expectedRevision: 1.5 }, ['expectedRevision']],
    ['a revision as a string', { ...correction, expectedRevision: '1' }, ['expectedRevision']],
    ['a revision past 2^53', { ...correction, expectedRevision: 2 ** 53 }, ['expectedRevision']],
    ['no revision', { ...correction, expectedRevision: undefined }, ['expectedRevision']],
    ['no changes', { ...correction, changes: {} }, ['changes']],
    ['changes as a list', { ...correction, changes: [{ summary: 'x' }] }, ['changes']],
    ['no reason', { ...correction, reason: '' }, ['reason']],
    ['an unknown field', { ...correction, comment: 'x' }, ['comment']],
    ['everything wrong', { expectedRevision: '0', changes: null }, ['changes', 'expectedRevision', 'reason']],
  ])('refuses %s', (_name, body, paths) => expect(pathsOf(validateBody(CorrectionBody, body))).toEqual(paths));
});

describe('a retraction body', () => {
  it.each([{ reason: 'A duplicate of another record.' }, { reason: 'A duplicate.', expectedRevision: 2 }])('accepts %p', (body) =>
    expect(validateBody(RetractionBody, body)).toEqual({ ok: true, value: body }));

  it.each([
    [{}, ['reason']],
    [{ reason: 'x', expectedRevision: '0' }, ['expectedRevision']],
    [{ reason: 'x', expectedRevision: null }, ['expectedRevision']],
    [{ reason: 'x', force: true }, ['force']],
  ])('refuses %p', (body, paths) => expect(pathsOf(validateBody(RetractionBody, body))).toEqual(paths));
});

describe('an anchor body', () => {
  const armistice = { name: 'Korean War Armistice Agreement', date: '1953-07-27', countries: ['KP', 'CN', 'US'] };

  it.each([armistice, { ...armistice, date: '1953', description: 'Signed at Panmunjom.' }, { ...armistice, countries: ['SU'] }])(
    'accepts %p',
    (body) => expect(validateBody(AnchorBody, body)).toEqual({ ok: true, value: body }),
  );

  it.each([
    ['no countries', { ...armistice, countries: undefined }, ['countries']],
    ['an empty list of countries', { ...armistice, countries: [] }, ['countries']],
    ['a bad country', { ...armistice, countries: ['KP', 'cn'] }, ['countries[1]']],
    ['a date not on the calendar', { ...armistice, date: '1953-02-30' }, ['date']],
    ['its id in the body', { ...armistice, anchorId: 'korean-war-armistice' }, ['anchorId']],
  ])('refuses %s', (_name, body, paths) => expect(pathsOf(validateBody(AnchorBody, body))).toEqual(paths));
});

describe('an anchor id', () => {
  it.each(['korean-war-armistice', 'cpv-entry-korean-war', '1953', 'a'.repeat(100)])('accepts %p', (id) =>
    expect(validateAnchorId(id)).toEqual({ ok: true, value: id }));

  it.each(['Korean-War', 'korean_war', 'korean war', '', '-war', 'war-', 'korean--war', 'a'.repeat(101), 42, null])('refuses %p', (id) =>
    expect(pathsOf(validateAnchorId(id))).toEqual(['anchorId']));

  it('reports the path it is given', () => expect(pathsOf(validateAnchorId('X', 'id'))).toEqual(['id']));
});

describe("a correction's changes are validated as on creation", () => {
  const cases: [string, FactType, unknown, string[]][] = [
    ['not an object', 'VisitMade', 'summary', ['changes']],
    ['null', 'VisitMade', null, ['changes']],
    ['a list', 'VisitMade', [{ summary: 'x' }], ['changes']],
    ['no field', 'VisitMade', {}, ['changes']],
    ['only fields left undefined', 'VisitMade', { summary: undefined }, ['changes']],
    ['a field the fact lacks', 'VisitMade', { tribute: 'wreath' }, ['changes.tribute']],
    ['the record id', 'VisitMade', { recordId: 'x' }, ['changes.recordId']],
    ['an unknown field set to null', 'VisitMade', { nickname: null }, ['changes.nickname']],
    ['an invalid date', 'VisitMade', { occurredOn: '2020-02-31' }, ['changes.occurredOn']],
    ['null for a required field', 'VisitMade', { summary: null }, ['changes.summary']],
    ['null for a required object', 'WreathSent', { tribute: null, site: null }, ['changes.site', 'changes.tribute']],
    ['an incomplete object', 'VisitMade', { visitor: { name: 'Kim Jong-un' } }, ['changes.visitor.country']],
    ['a site without name', 'VisitMade', { site: { country: 'KP' } }, ['changes.site.name']],
    ['an unknown field in a list item', 'VisitMade', { sources: [{ publisher: 'KCNA', extra: 1 }] }, ['changes.sources[0].extra']],
    ['a bad country in a list', 'VisitMade', { countries: ['CN', 'su'] }, ['changes.countries[1]']],
    ['a deep bad field', 'MonumentAnnounced', { monument: { name: 'x', kind: 'new', place: { country: 'su' } } }, ['changes.monument.place.country']],
    ['no sources', 'StatementIssued', { sources: [] }, ['changes.sources']],
    ['a field named like an Object.prototype member', 'VisitMade', { summary: 'x', hasOwnProperty: 1 }, ['changes.hasOwnProperty']],
    [
      'several fields at once',
      'VisitMade',
      { summary: '', tribute: 'wreath', site: null, delegation: [{ name: 'x' }], occurredOn: '2020' },
      ['changes.delegation[0].country', 'changes.site', 'changes.summary', 'changes.tribute'],
    ],
  ];

  it.each(cases)('refuses %s', (_name, type, changes, paths) => expect(pathsOf(validateChanges(type, changes))).toEqual(paths));

  it.each([
    ['a new summary', 'VisitMade', { summary: 'Kim Jong-un visits the cemetery.' }],
    ['a coarser date', 'VisitMade', { occurredOn: '2020-10' }],
    ['a whole new site', 'WreathSent', { site: { ...hoechangCemetery, name: 'Tomb of Mao Anying' } }],
    ['null for optional fields', 'VisitMade', { delegation: null, commemorates: null, countries: null }],
    ['null for an optional object', 'WreathSent', { deliveredBy: null, tribute: 'flowers' }],
    ['null for optional text', 'StatementIssued', { quote: null, language: null, venue: 'press conference' }],
    ['null for where it was announced', 'MonumentAnnounced', { announcedAt: null }],
  ] as [string, FactType, Record<string, unknown>][])('accepts %s, nulls kept', (_name, type, changes) =>
    expect(validateChanges(type, changes)).toEqual({ ok: true, value: changes }));

  it('says why null cannot remove a required field', () =>
    expect(errorsOf(validateChanges('VisitMade', { summary: null }))).toEqual([
      { path: 'changes.summary', message: 'is required, so null cannot remove it' },
    ]));

  it('refuses garbage without throwing', () => {
    const huge = { sources: repeat(50_000, { publisher: 'x' }) };
    expect(errorsOf(validateChanges('VisitMade', huge))).toEqual([{ path: 'changes', message: 'holds more than 10000 values' }]);
  });
});
