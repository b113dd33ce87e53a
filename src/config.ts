// Configuration from the environment, checked once at start-up. Pure: the environment is an argument.

import { LOG_LEVELS, type LogLevel } from './operations/log-levels';

export type Role = 'reader' | 'archivist' | 'admin';
export const ROLES: readonly Role[] = ['reader', 'archivist', 'admin'];

export interface ApiKey {
  /** Who the key belongs to: written as `recordedBy` on the events it records. Never the secret. */
  readonly name: string;
  readonly secret: string;
  readonly role: Role;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStoreConnectionString?: string;
  /** Empty: the server runs open. */
  readonly apiKeys: readonly ApiKey[];
  readonly logLevel: LogLevel;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const problems: string[] = [];
  const port = parsePort(env.PORT ?? '3000');
  if (port === undefined) problems.push(`PORT must be a whole number from 0 to 65535, not "${env.PORT}"`);
  const keys = parseApiKeys(env.ANNALS_API_KEYS ?? '');
  if (!Array.isArray(keys)) problems.push(keys.problem);
  const esdb = env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (esdb && !/^(esdb|esdb\+discover|kurrentdb|kdb):\/\//.test(esdb)) {
    problems.push('EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://');
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`);
  if (problems.length > 0 || port === undefined || !Array.isArray(keys)) return { ok: false, problems };
  return {
    ok: true,
    config: {
      port,
      host: env.HOST ?? '0.0.0.0',
      dataDir: env.ANNALS_DATA_DIR || './data',
      eventStoreConnectionString: esdb || undefined,
      apiKeys: keys,
      logLevel: logLevel as LogLevel,
    },
  };
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/**
 * `ANNALS_API_KEYS` is a comma list of `key:role`, or `key:role:name` to name the key's holder.
 * An unnamed key is named after its role and position (`archivist-1`), never after its secret.
 */
export function parseApiKeys(text: string): ApiKey[] | { problem: string } {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  const keys: ApiKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const [secret, role, name, ...rest] = entry.split(':');
    if (rest.length > 0 || !secret || !role) {
      return { problem: `ANNALS_API_KEYS entry ${index + 1} must be key:role or key:role:name` };
    }
    if (!(ROLES as readonly string[]).includes(role)) {
      return { problem: `ANNALS_API_KEYS entry ${index + 1} has role "${role}"; roles are ${ROLES.join(', ')}` };
    }
    if (secret.length < 8) return { problem: `ANNALS_API_KEYS entry ${index + 1}: a key must be at least 8 characters` };
    keys.push({ secret, role: role as Role, name: name || `${role}-${index + 1}` });
  }
  return keys;
}

/** Whether a role is enough for a route that needs another: admin > archivist > reader. */
export const roleAllows = (held: Role, needed: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(needed);
