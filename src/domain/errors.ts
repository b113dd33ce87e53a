// Domain errors are values with a typed code. The HTTP edge turns them into problem details
// (src/http/problem.ts) and the command line into one-line messages, each in one table.

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export type DomainError =
  | { readonly code: 'invalid_input'; readonly errors: readonly FieldError[] }
  | { readonly code: 'record_not_found'; readonly recordId: string }
  | { readonly code: 'record_exists'; readonly recordId: string }
  | { readonly code: 'record_retracted'; readonly recordId: string }
  | { readonly code: 'stale_revision'; readonly expected: number; readonly actual: number }
  | { readonly code: 'anchors_not_defined'; readonly anchorIds: readonly string[] }
  | { readonly code: 'anchor_not_found'; readonly anchorId: string }
  | { readonly code: 'idempotency_key_reused'; readonly key: string }
  | { readonly code: 'rebuild_not_found' };

export type DomainErrorCode = DomainError['code'];

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: DomainError): Result<T> => ({ ok: false, error });
