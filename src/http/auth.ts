// API keys and roles. With no keys configured the server runs open and every caller is
// `anonymous` with every role; with keys, every /api route needs one.

import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CONFIG } from '../tokens';
import { roleAllows, type ApiKey, type Config, type Role } from '../config';
import { ProblemException } from './problem';

export interface Principal {
  readonly name: string;
  readonly role: Role;
}

const ROLE_KEY = 'annals:role';
const PUBLIC_KEY = 'annals:public';
/** A route anyone may call, keys or not: the metrics scrape. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** The role a route needs; routes without one need `reader`. */
export const Requires = (role: Role) => SetMetadata(ROLE_KEY, role);

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares against every key in constant time, so timing tells nothing about which matched. */
export function findKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const presentedDigest = digest(presented);
  let found: ApiKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(digest(key.secret), presentedDigest)) found = key;
  }
  return found;
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  // EventSource cannot send headers, so live streams may carry the key in the query.
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.access_token === 'string' ? query.access_token : undefined;
}

const unauthorized = (detail: string) =>
  new ProblemException({ type: 'https://annals.invalid/problems/unauthorized', title: 'Unauthorized', status: 401, detail });
const forbidden = (detail: string) =>
  new ProblemException({ type: 'https://annals.invalid/problems/forbidden', title: 'Forbidden', status: 403, detail });

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const needed = this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]) ?? 'reader';
    request.principal = this.authenticate(request);
    if (!roleAllows(request.principal.role, needed)) {
      throw forbidden(`This needs the ${needed} role; the key's role is ${request.principal.role}`);
    }
    return true;
  }

  private authenticate(request: FastifyRequest): Principal {
    if (this.config.apiKeys.length === 0) return { name: 'anonymous', role: 'admin' };
    const presented = presentedKey(request);
    if (!presented) throw unauthorized('Send an API key as Authorization: Bearer <key>');
    const key = findKey(this.config.apiKeys, presented);
    if (!key) throw unauthorized('The API key is not known');
    return { name: key.name, role: key.role };
  }
}

/** The caller, as the guard found them. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  return request.principal ?? { name: 'anonymous', role: 'reader' };
});
