// Builds a command's context from the HTTP request: who (the key's name), when (the clock),
// as part of what (correlation and causation ids), and the Idempotency-Key if one was sent.

import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../recording/context';
import { idempotencyFor, isIdempotencyKey } from '../recording/idempotency';
import type { Principal } from './auth';
import { failWith } from './problem';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

export function commandContext(request: FastifyRequest, caller: Principal, now: Date, action: string, body: unknown): CommandContext {
  const key = header(request, 'idempotency-key');
  if (key !== undefined && !isIdempotencyKey(key)) {
    failWith({ code: 'invalid_input', errors: [{ path: 'Idempotency-Key', message: 'must be 1..255 printable ASCII characters' }] });
  }
  const requestId = String(request.id);
  return {
    recordedBy: caller.name,
    recordedAt: now.toISOString(),
    correlationId: header(request, 'x-correlation-id') ?? requestId,
    causationId: requestId,
    ...(key !== undefined ? { idempotency: idempotencyFor(key, action, body) } : {}),
  };
}
