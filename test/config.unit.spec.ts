import { loadConfig, parseApiKeys, roleAllows } from '../src/config';

describe('configuration', () => {
  it('defaults to port 3000, ./data and an open server', () => {
    expect(loadConfig({})).toEqual({ ok: true, config: { port: 3000, host: '0.0.0.0', dataDir: './data', eventStoreConnectionString: undefined, apiKeys: [], logLevel: 'info' } });
  });
  it.each([['PORT', 'eighty'], ['PORT', '70000'], ['ANNALS_API_KEYS', 'secret-1:emperor'], ['ANNALS_API_KEYS', 'short:reader'], ['EVENTSTORE_CONNECTION_STRING', 'http://x'], ['LOG_LEVEL', 'loud']])(
    'refuses %s=%s with a reason',
    (name, value) => {
      const result = loadConfig({ [name]: value });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problems[0]).toContain(name);
    },
  );
  it('reads keys with roles and optional names, never naming a key after its secret', () => {
    expect(parseApiKeys('s3cret-archivist:archivist:li, s3cret-reader:reader')).toEqual([
      { secret: 's3cret-archivist', role: 'archivist', name: 'li' },
      { secret: 's3cret-reader', role: 'reader', name: 'reader-2' },
    ]);
  });
  it('ranks roles reader < archivist < admin', () => {
    expect(roleAllows('admin', 'archivist')).toBe(true);
    expect(roleAllows('reader', 'archivist')).toBe(false);
    expect(roleAllows('archivist', 'archivist')).toBe(true);
  });
});
