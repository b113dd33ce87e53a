// The fast path of validation may be strict, never lenient: whatever it passes, class-validator
// passes too. Checked over the seed reports' bodies and a great many mutations of them.

import 'reflect-metadata';
import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { allChecksPass } from '../../src/recording/dto/all-checks-pass';
import { FACT_BODIES } from '../../src/recording/dto/facts';
import { AnchorBody, CorrectionBody, RetractionBody } from '../../src/recording/dto';
import { FACT_KINDS } from '../../src/domain/events';
import { validateFact } from '../../src/recording/validate';
import { ANCHORS, BODIES } from '../support/bodies';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const classValidatorPasses = (dto: new () => object, body: object): boolean =>
  validateSync(plainToInstance(dto, body), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).length === 0;

const CASES = [
  ...Object.entries(BODIES).map(([kind, body]) => ({ name: kind, dto: FACT_BODIES[FACT_KINDS[kind as keyof typeof FACT_KINDS]], body })),
  { name: 'anchor', dto: AnchorBody, body: () => ({ ...ANCHORS['korean-war-armistice'], countries: [...ANCHORS['korean-war-armistice'].countries] }) },
  { name: 'correction', dto: CorrectionBody, body: () => ({ expectedRevision: 0, changes: { occurredOn: '2020-10-21' }, reason: 'the report says the 21st' }) },
  { name: 'retraction', dto: RetractionBody, body: () => ({ reason: 'a duplicate', expectedRevision: 3 }) },
];

/** Every path to a value inside a JSON document, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

type Mutation = { kind: 'set'; value: Json } | { kind: 'delete' } | { kind: 'add'; key: string; value: Json };

function mutate(body: Json, path: (string | number)[], mutation: Mutation): Json {
  const copy = structuredClone(body) as Record<string | number, Json>;
  const parent = path.slice(0, -1).reduce<Record<string | number, Json>>((at, key) => at[key] as Record<string | number, Json>, copy);
  const last = path[path.length - 1];
  if (mutation.kind === 'set') parent[last] = mutation.value;
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[mutation.key] = mutation.value;
  }
  return copy;
}

const interesting: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>('', ' ', 'KP', 'kp', 'XX', '2020-02-30', '2013', '2015-07', 'https://example.org/a', 'ftp://x', 'new', 'wreath', 'a'.repeat(201), 'a'.repeat(200), '😀'.repeat(101), '😀'.repeat(201), 'x\uFE0F'.repeat(101), 0, -1, 1.5, true, null, [], {}, ['KP', 'KP'], [{}], [null]),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: interesting }),
  fc.constant({ kind: 'delete' as const }),
  fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom('extra', 'name', 'country', 'role', '0'), value: interesting }),
);

describe('the validation fast path', () => {
  it.each(CASES)('passes the seed reports’ valid $name body, so valid bodies skip class-validator', ({ dto, body }) => {
    expect(allChecksPass(dto, body())).toBe(true);
    expect(classValidatorPasses(dto, body())).toBe(true);
  });

  it.each(CASES)('is never more lenient than class-validator on a mutated $name body', ({ dto, body }) => {
    const original = body() as Json;
    const paths = pathsOf(original);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), mutation), { minLength: 1, maxLength: 3 }), (edits) => {
        let mutated = original;
        for (const [path, edit] of edits) {
          try {
            mutated = mutate(mutated, path, edit);
          } catch {
            // an earlier edit removed the path
          }
        }
        if (mutated === null || typeof mutated !== 'object' || Array.isArray(mutated)) return;
        if (allChecksPass(dto, mutated)) expect(classValidatorPasses(dto, mutated)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('still names every failing field when a body is refused', () => {
    const body = { ...BODIES.visits(), visitor: { name: '', country: 'kp' } };
    const result = validateFact('visits', body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.path).sort()).toEqual(['visitor.country', 'visitor.name']);
  });
});
