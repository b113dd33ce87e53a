// The command line's words for domain errors: one line each, never a stack trace.

import type { DomainError } from '../domain/errors';

export function describeError(error: DomainError): string {
  switch (error.code) {
    case 'invalid_input':
      return error.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    case 'record_not_found':
      return `no record ${error.recordId}`;
    case 'record_exists':
      return `record ${error.recordId} already exists`;
    case 'record_retracted':
      return `record ${error.recordId} is retracted and cannot change`;
    case 'stale_revision':
      return `expected revision ${error.expected}, but it is at ${error.actual}`;
    case 'anchors_not_defined':
      return `anchors not defined: ${error.anchorIds.join(', ')}`;
    case 'anchor_not_found':
      return `no anchor ${error.anchorId}`;
    case 'idempotency_key_reused':
      return `key "${error.key}" was already used for something else`;
    case 'rebuild_not_found':
      return 'no such rebuild';
  }
}
