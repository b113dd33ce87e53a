// The one place where errors become RFC 9457 problem details (application/problem+json).

import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainError, FieldError } from '../domain/errors';
import { WrongExpectedRevisionError } from '../store/event-store';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

const TYPE_BASE = 'https://annals.invalid/problems/';

const problem = (status: number, slug: string, title: string, detail: string, extra: object = {}): Problem => ({
  type: `${TYPE_BASE}${slug}`,
  title,
  status,
  detail,
  ...extra,
});

/** Every domain error's HTTP meaning. Exhaustive: a new error code fails to compile until mapped. */
export function domainProblem(error: DomainError): Problem {
  switch (error.code) {
    case 'invalid_input':
      return problem(400, 'invalid-input', 'Invalid input', describeFieldErrors(error.errors), { errors: error.errors });
    case 'record_not_found':
      return problem(404, 'record-not-found', 'Record not found', `No record ${error.recordId}`);
    case 'record_exists':
      return problem(409, 'record-exists', 'Record exists', `Record ${error.recordId} already exists`);
    case 'record_retracted':
      return problem(409, 'record-retracted', 'Record retracted', `Record ${error.recordId} is retracted and cannot change`);
    case 'stale_revision':
      return problem(409, 'stale-revision', 'Stale revision', `Expected revision ${error.expected}, but the record is at ${error.actual}`, {
        expectedRevision: error.expected,
        actualRevision: error.actual,
      });
    case 'anchors_not_defined':
      return problem(422, 'anchor-not-defined', 'Anchor not defined', `Not defined: ${error.anchorIds.join(', ')}`, {
        errors: [{ path: 'commemorates', message: `anchors not defined: ${error.anchorIds.join(', ')}` }],
      });
    case 'anchor_not_found':
      return problem(404, 'anchor-not-found', 'Anchor not found', `No anchor ${error.anchorId}`);
    case 'idempotency_key_reused':
      return problem(422, 'idempotency-key-reused', 'Idempotency key reused', `Idempotency-Key "${error.key}" was used with another request`);
    case 'rebuild_not_found':
      return problem(404, 'rebuild-not-found', 'No rebuild', 'No rebuild has been started since the server started');
  }
}

const describeFieldErrors = (errors: readonly FieldError[]): string =>
  errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');

/** A request that reached a server already stopping (on a connection opened before). */
export const stoppingProblem = (): Problem => problem(503, 'stopping', 'Service unavailable', 'The server is stopping: retry in a moment');

/** Thrown by the HTTP edge to answer with a problem; caught by the filter below. */
export class ProblemException extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export const failWith = (error: DomainError): never => {
  throw new ProblemException(domainProblem(error));
};

/** Errors from Fastify itself (body parsing, size limits) and from Nest, as problems. */
export function problemFor(error: unknown): Problem {
  if (error instanceof ProblemException) return error.problem;
  if (error instanceof HttpException) return httpExceptionProblem(error);
  if (error instanceof WrongExpectedRevisionError) {
    return problem(409, 'concurrent-change', 'Concurrent change', `${error.stream} changed while this request was handled; read it again and retry`);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return fastifyProblem(status, error as Error & { code?: string });
  return problem(500, 'internal', 'Internal error', 'The server failed to answer; the failure is logged');
}

function httpExceptionProblem(error: HttpException): Problem {
  const status = error.getStatus();
  const slug = status === 404 ? 'not-found' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'http-error';
  return problem(status, slug, titleOf(status), error.message);
}

function fastifyProblem(status: number, error: Error & { code?: string }): Problem {
  const detail =
    error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? 'Send the body as application/json'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The body is larger than 1 MiB'
        : status === 400 && /JSON|Unexpected|token/i.test(error.message)
          ? `The body is not valid JSON: ${error.message}`
          : error.message;
  return problem(status, slugOf(status), titleOf(status), detail);
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
};
const titleOf = (status: number): string => TITLES[status] ?? 'Client error';
const slugOf = (status: number): string => titleOf(status).toLowerCase().replace(/ /g, '-');

export function sendProblem(reply: FastifyReply, p: Problem): void {
  void reply.status(p.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(p));
}

/** A server error is logged on the request's own logger, so the line carries its request id. */
export function logIfServerError(p: Problem, error: unknown, request: FastifyRequest): void {
  if (p.status >= 500) request.log.error({ err: error }, `${request.method} ${request.routeOptions.url ?? 'unmatched route'} failed`);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const p = problemFor(error);
    logIfServerError(p, error, http.getRequest<FastifyRequest>());
    sendProblem(http.getResponse<FastifyReply>(), p);
  }
}
