// Serves the dashboard: the page in web/ at `/`, and the timeline-drawing library's browser build
// straight from its installed npm package, so the page loads nothing from anywhere but this app.
//
// Registered on Fastify itself rather than as NestJS routes: the page is public (the API it calls
// checks the keys), and with `wildcard: false` @fastify/static adds one route per file found at
// start-up, so every other path, /api/* included, still reaches NestJS's 404 problem.

import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the browser finds vis-timeline's files (the ESM bundle and its stylesheet). */
export const VENDOR_PREFIX = '/vendor/vis-timeline/';

// The page may load scripts, styles, images and data from this origin only: a stray CDN link
// fails in the browser instead of quietly working. vis-timeline positions items with inline
// styles, hence 'unsafe-inline' for styles (never for scripts).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export async function serveDashboard(app: NestFastifyApplication): Promise<void> {
  const shared = {
    wildcard: false,
    decorateReply: false, // Swagger UI may decorate the reply already; these routes don't need it
    setHeaders: (response: { setHeader(name: string, value: string): void }, path: string) => {
      response.setHeader('x-content-type-options', 'nosniff');
      // Source links open news sites: they need not learn which timeline the reader was on.
      response.setHeader('referrer-policy', 'same-origin');
      if (path.endsWith('.html')) response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    },
  };
  await app.register(fastifyStatic, { ...shared, root: webRoot(), prefix: '/', index: ['index.html'] });
  await app.register(fastifyStatic, { ...shared, root: visTimelineRoots(), prefix: VENDOR_PREFIX, index: false });
}

/** web/ at the project's top level, found from src/web (ts-jest) and dist/src/web (built) alike. */
export function webRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no web/index.html above ${from}`);
  }
}

function visTimelineRoots(): string[] {
  const pkg = dirname(require.resolve('vis-timeline/package.json'));
  return [join(pkg, 'standalone', 'esm'), join(pkg, 'styles')];
}
