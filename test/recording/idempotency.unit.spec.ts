import { canonicalJson, eventIdFor, idempotencyFor, recordIdForKey, uuidV5 } from '../../src/recording/idempotency';
import fc from 'fast-check';
import { createHash } from 'node:crypto';

describe('derived ids', () => {
  it('computes RFC 9562 version 5 UUIDs', () => {
    // The RFC's own example: the DNS namespace and www.example.com.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
  it('derives a version 5 UUID as the RFC spells it out, for any name, long or not ASCII', () => {
    // The RFC's steps, written plainly: SHA-1 over namespace and name, version and variant set.
    const reference = (name: string, namespace: string): string => {
      const digest = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
      digest[6] = (digest[6] & 0x0f) | 0x50;
      digest[8] = (digest[8] & 0x3f) | 0x80;
      const hex = digest.subarray(0, 16).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    // Names about the scratch buffer's 4 KB, ASCII and not: a character of several bytes may
    // straddle its end.
    const names = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.string({ minLength: 4070, maxLength: 4200 }),
      fc.tuple(fc.integer({ min: 4088, max: 4100 }), fc.constantFrom('é', '€', '😀')).map(([ascii, wide]) => 'a'.repeat(ascii) + wide),
    );
    fc.assert(
      fc.property(names, fc.uuid(), (name, namespace) => {
        expect(uuidV5(name, namespace)).toBe(reference(name, namespace));
      }),
      { numRuns: 300 },
    );
  });
  it('names the same record for the same key, another for another key', () => {
    expect(recordIdForKey('kh-2020-10-22-1')).toBe(recordIdForKey('kh-2020-10-22-1'));
    expect(recordIdForKey('kh-2020-10-22-1')).not.toBe(recordIdForKey('kh-2020-10-22-2'));
  });
  it('gives the same event ids to the same request, others to another request with the same key', () => {
    const first = idempotencyFor('k', 'record:visits', { b: 1, a: [1, 2] });
    const same = idempotencyFor('k', 'record:visits', { a: [1, 2], b: 1 });
    const other = idempotencyFor('k', 'record:visits', { a: [2, 1], b: 1 });
    expect(eventIdFor(first, 's', 0)).toBe(eventIdFor(same, 's', 0));
    expect(eventIdFor(first, 's', 0)).not.toBe(eventIdFor(other, 's', 0));
    expect(idempotencyFor('k', 'record:wreaths', { a: [1, 2], b: 1 }).digest).not.toBe(first.digest);
  });
  it('spells objects canonically whatever their key order', () => {
    expect(canonicalJson({ z: { y: 1, x: [true, null, 's'] }, a: undefined })).toBe('{"z":{"x":[true,null,"s"],"y":1}}');
  });
  it('keeps the spelling digests were first taken with: keys by UTF-16 code unit, nothing for undefined in a list', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalJson([1, undefined, , { b: 'é', B: 2, '10': 3, '9': 4, a: [] }])).toBe('[1,,,{"10":3,"9":4,"B":2,"a":[],"b":"é"}]');
  });
  it('derives the ids and digests it always has: archives already hold them', () => {
    const idempotency = idempotencyFor('k', 'record:visits', { a: 1 });
    expect(idempotency.digest).toBe('77d8398a21ec91d92be4c4100c73d445e1c193af2536da592b8da192738cc13b');
    expect(recordIdForKey('kh-2020-10-22-1')).toBe('cc64cc8d-e6e9-5e98-b698-9324dbef72d6');
    expect(eventIdFor(idempotency, 's', 0)).toBe('f19e9064-4d3e-5948-9506-dfd6cf05d524');
  });
});

describe('canonical JSON key order', () => {
  // The reference: the default sort, which digests were first taken with (an object rebuilt from
  // sorted entries would not do: integer-like keys come first in any object).
  const reference = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object).sort().map((key) => `${JSON.stringify(key)}:${reference(object[key])}`).join(',')}}`;
  };

  it('orders keys as the default sort, for small objects (sorted in place) and large ones', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 40 }), { maxKeys: 40 }), (object) => {
        expect(canonicalJson(object)).toBe(reference(object));
      }),
    );
  });
});
