import { canonicalJson, eventIdFor, idempotencyFor, recordIdForKey, uuidV5 } from '../../src/recording/idempotency';

describe('derived ids', () => {
  it('computes RFC 9562 version 5 UUIDs', () => {
    // The RFC's own example: the DNS namespace and www.example.com.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
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
});
