// The dashboard in a real headless browser: Debian's Chromium, driven by playwright-core, against
// the real app on a temporary folder, with the seed archive posted over the HTTP API. Writes a
// screenshot of each main view to docs/screenshots/.
//
// One browser and one page for the file; every wait is for a condition on the page, never a sleep.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SEED_RECORDS, seedEvents } from '../fixtures/seed-events';
import { statement, visit, wreath } from '../support/bodies';
import { call, startServer, type TestServer } from '../support/server';
import { until } from '../support/until';
import { SeedPoster, distinctMoment } from './seed-over-http';

const CHROMIUM = '/usr/bin/chromium';
// Every run writes its screenshots to test-results/ (not tracked); UPDATE_SCREENSHOTS=1 writes the
// ones the README shows, in docs/screenshots/.
const SCREENSHOTS = join(__dirname, '..', '..', process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots');
const WAIT_MS = 10_000;

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/web: ${CHROMIUM} is missing, so the browser tests are skipped (apt-get install chromium)`);
const inBrowser = haveChromium ? describe : describe.skip;

/** Everything a page did that the dashboard must never do: leave the origin, throw, log an error. */
class PageWatch {
  readonly requests: string[] = [];
  readonly pageErrors: string[] = [];
  readonly consoleErrors: string[] = [];

  constructor(page: Page) {
    page.on('request', (request) => this.requests.push(request.url()));
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && this.consoleErrors.push(`${message.text()} (${message.location().url})`));
  }

  foreignRequests(origin: string): string[] {
    return this.requests.filter((url) => new URL(url).origin !== origin && !url.startsWith('data:'));
  }
}

const row = (recordId: string) => `#entries [data-record-id="${recordId}"]`;
const card = (recordId: string) => `#timeline .vis-item [data-record-id="${recordId}"]`;
const bar = (page: Page, recordId: string) => page.locator('#timeline .vis-item.entry', { has: page.locator(`[data-record-id="${recordId}"]`) });

async function open(page: Page, server: TestServer, path: string): Promise<void> {
  await page.goto(server.url + path);
  await page.waitForSelector('body[data-state="ready"], body[data-state="welcome"]', { timeout: WAIT_MS });
}

async function screenshot(page: Page, name: string, { timeline = true } = {}): Promise<void> {
  if (timeline) await page.waitForSelector('#timeline[data-drawn="true"]', { timeout: WAIT_MS }); // vis shows it after its first draw
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The record ids of a country's whole timeline, read a page at a time as the dashboard does. */
async function timelineIds(server: TestServer, code: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const answer = await call(server.url, 'GET', `/api/timelines/countries/${code}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (answer.status !== 200) return ids;
    ids.push(...answer.body.entries.map((entry: { recordId: string }) => entry.recordId));
    cursor = answer.body.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

inBrowser('the dashboard, in Chromium', () => {
  let server: TestServer;
  let seed: SeedPoster;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  /** Before the seed's correction was recorded, and before `laterRecordId`. */
  let beforeCorrection: string;
  let laterRecordId: string;

  beforeAll(async () => {
    server = await startServer();
    seed = new SeedPoster(server.url);
    const events = seedEvents();
    await seed.post(events.filter((event) => event.type !== 'RecordCorrected'));
    beforeCorrection = await distinctMoment();
    await seed.post(events.filter((event) => event.type === 'RecordCorrected'));
    laterRecordId = (await call(server.url, 'POST', '/api/records/statements', statement())).body.recordId;
    await until(async () => (await timelineIds(server, 'KP')).includes(laterRecordId), { ms: WAIT_MS, what: 'the KP timeline catching up' });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    page = await context.newPage();
    watch = new PageWatch(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws a country timeline on a time axis, each record as the span its date means', async () => {
    await open(page, server, '/?country=KP');
    const seeded = [
      SEED_RECORDS.kimVisit2020, SEED_RECORDS.cemeteryRemodelled2012, SEED_RECORDS.xiFlowerBasket2020, SEED_RECORDS.kimVisit2013,
      SEED_RECORDS.kimVisit2018, SEED_RECORDS.kimWreath2015, SEED_RECORDS.xiExhibitionStatement2020,
      SEED_RECORDS.lavrovMonument, SEED_RECORDS.sinHongcholInterview,
    ].map((name) => seed.id(name));
    for (const id of [...seeded, laterRecordId]) {
      await page.waitForSelector(card(id), { timeout: WAIT_MS }); // on the axis
      await page.waitForSelector(row(id), { timeout: WAIT_MS }); // and in the list
    }
    expect(await page.locator('#entries .entry-row').count()).toBe(seeded.length + 1);
    expect(await page.locator('#view-title').textContent()).toBe('North Korea');

    // Date, type, summary and counterparts on the card itself.
    const visit2013 = page.locator(card(seed.id(SEED_RECORDS.kimVisit2013)));
    expect(await visit2013.locator('time').textContent()).toBe('2013');
    expect(await visit2013.locator('.type-badge').textContent()).toBe('Visit');
    expect(await visit2013.locator('.card-summary').textContent()).toContain('60th anniversary of the Korean War Armistice');
    expect(await visit2013.locator('.card-countries').textContent()).toContain('CN');

    // 2013 is the whole year, July 2015 the month, 19 October 2020 a point; and 2018 lies five years on.
    const year2013 = (await bar(page, seed.id(SEED_RECORDS.kimVisit2013)).boundingBox())!;
    const year2018 = (await bar(page, seed.id(SEED_RECORDS.kimVisit2018)).boundingBox())!;
    const month = (await bar(page, seed.id(SEED_RECORDS.kimWreath2015)).boundingBox())!;
    const day = bar(page, seed.id(SEED_RECORDS.xiExhibitionStatement2020));
    expect(year2013.width / month.width).toBeGreaterThan(10); // 365 days against 31
    expect(year2013.width / month.width).toBeLessThan(14);
    expect((year2018.x - year2013.x) / year2013.width).toBeCloseTo(5, 1);
    expect(await day.getAttribute('class')).toContain('precision-day');
    expect(await bar(page, seed.id(SEED_RECORDS.kimVisit2013)).getAttribute('class')).toContain('precision-year');
    await screenshot(page, 'country');
  });

  it('groups an anchor’s records by anniversary and marks the milestones', async () => {
    await open(page, server, '/?anchor=cpv-entry-korean-war');
    const seventieth = page.locator('#entries [data-anniversary="70"]');
    await seventieth.waitFor({ timeout: WAIT_MS });
    expect(await seventieth.getAttribute('data-milestone')).not.toBeNull();
    expect(await seventieth.locator('h3').textContent()).toContain('70th anniversary');
    expect(await seventieth.locator('.milestone-badge').textContent()).toContain('milestone');
    for (const name of [SEED_RECORDS.kimVisit2020, SEED_RECORDS.xiFlowerBasket2020, SEED_RECORDS.xiExhibitionStatement2020]) {
      expect(await seventieth.locator(`[data-record-id="${seed.id(name)}"]`).count()).toBe(1);
      await page.waitForSelector(card(seed.id(name)), { timeout: WAIT_MS });
    }
    // On the axis, 2020 is a band labelled as the milestone it is.
    const band = page.locator('#timeline .vis-item.anniversary.is-milestone');
    expect(await band.textContent()).toContain('70th anniversary');
    expect(await band.textContent()).toContain('milestone');
    expect(await page.locator('#timeline .vis-item.anniversary-day').textContent()).toBe('25 Oct'); // the day itself
    expect(await page.locator('#view-title').textContent()).toBe("Chinese People's Volunteers enter the Korean War");
    await screenshot(page, 'anchor');
  });

  it('opens an entry’s sources and history of corrections, and closes with Escape', async () => {
    await open(page, server, '/?country=KP');
    const kimVisit = seed.id(SEED_RECORDS.kimVisit2020);
    await page.locator(card(kimVisit)).click();
    const panel = page.locator('#detail');
    await panel.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.waitForSelector('#detail .detail-history [data-event-type="RecordCorrected"]', { timeout: WAIT_MS });

    expect(await panel.locator('#detail-title').textContent()).toContain('Kim Jong-un visits the cemetery');
    expect(await panel.locator('.detail-sources').textContent()).toContain('The Korea Herald');
    const history = panel.locator('.detail-history > li');
    expect(await history.count()).toBe(2);
    expect(await history.nth(0).textContent()).toContain('Recorded');
    expect(await history.nth(1).textContent()).toContain('The report dates the news, not the visit');
    expect(await history.nth(1).locator('.history-changes').textContent()).toBe('occurredOn: 2020-10-22 → 2020-10');
    expect(await page.locator(`${card(kimVisit)} .card-corrected`).count()).toBe(1);
    await screenshot(page, 'detail');

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden', timeout: WAIT_MS });
  });

  it('shows the archive as it stood at asOf: no later record, no later correction', async () => {
    await open(page, server, `/?country=KP&asOf=${encodeURIComponent(beforeCorrection)}`);
    const kimVisit = seed.id(SEED_RECORDS.kimVisit2020);
    await page.waitForSelector(card(kimVisit), { timeout: WAIT_MS });
    expect(await page.locator(`${row(kimVisit)} time`).getAttribute('datetime')).toBe('2020-10-22'); // not yet corrected
    expect(await page.locator(`${card(kimVisit)} time`).textContent()).toBe('22 Oct 2020');
    expect(await page.locator(`${row(kimVisit)} .row-corrected`).count()).toBe(0);
    expect(await page.locator(row(laterRecordId)).count()).toBe(0); // not yet recorded
    expect(await page.locator(card(laterRecordId)).count()).toBe(0);
    expect(await page.locator('#live').getAttribute('data-live')).toBe('past');
    expect(Number(await page.locator('#as-of-slider').inputValue())).toBeLessThan(1000);
    expect(await page.locator('#as-of-readout').textContent()).toContain('as it stood');
    await screenshot(page, 'as-of-past');

    // Its details: the correction is in the record's history, marked as still to come.
    await page.locator(row(kimVisit)).click();
    await page.waitForSelector('#detail .history-event.is-later[data-event-type="RecordCorrected"]', { timeout: WAIT_MS });
    expect(await page.locator('#detail .history-event.is-later').count()).toBe(1);
    await page.keyboard.press('Escape');

    // Back to now, then back through the browser's history to the past again.
    await page.locator('#as-of-now').click();
    await page.waitForSelector(row(laterRecordId), { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('asOf')).toBeNull();
    expect(await page.locator(`${row(kimVisit)} time`).getAttribute('datetime')).toBe('2020-10');
    await page.goBack();
    await page.waitForSelector(row(laterRecordId), { state: 'detached', timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('asOf')).toBe(beforeCorrection);
  });

  it('copies a link to the view that pins it to the moment it was copied', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await open(page, server, '/?country=KP');
    await page.locator('#copy-link').click();
    await page.waitForSelector('#copy-link:text("Copied")', { timeout: WAIT_MS });
    const link = new URL(await page.evaluate<string>('navigator.clipboard.readText()'));
    expect(link.origin).toBe(server.url);
    expect(link.searchParams.get('country')).toBe('KP');
    expect(Date.parse(link.searchParams.get('asOf') ?? '')).toBeGreaterThan(Date.parse(beforeCorrection));
  });

  it('drags the as-of slider back through time, re-querying as it goes', async () => {
    await open(page, server, '/?country=KP');
    const slider = page.locator('#as-of-slider');
    await slider.focus();
    await page.keyboard.press('Home'); // the archive's first moment: the anchors only
    await page.waitForSelector('#empty:not([hidden])', { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('asOf')).not.toBeNull();
    expect(await page.locator('#empty').textContent()).toContain('Nothing recorded for North Korea');
    await page.keyboard.press('End');
    await page.waitForSelector(row(laterRecordId), { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('asOf')).toBeNull();
  });

  it('adds a record posted over the API without a reload, moves it when corrected, drops it when retracted', async () => {
    await open(page, server, '/?country=KP');
    await page.waitForSelector('#live[data-live="live"]', { timeout: WAIT_MS });
    await page.evaluate('window.sameDocument = true'); // a reload would lose it

    const posted = await call(server.url, 'POST', '/api/records/wreaths', { ...wreath(), occurredOn: '2024-07-27', summary: 'A wreath laid live, for the test' });
    expect(posted.status).toBe(201);
    const id = posted.body.recordId;
    await page.waitForSelector(card(id), { timeout: WAIT_MS });
    await page.waitForSelector(row(id), { timeout: WAIT_MS });

    const corrected = await call(server.url, 'POST', `/api/records/${id}/corrections`, { expectedRevision: 0, changes: { occurredOn: '2023-07' }, reason: 'The month, not the day' });
    expect(corrected.status).toBe(200);
    await page.waitForSelector(`${row(id)} time[datetime="2023-07"]`, { timeout: WAIT_MS });
    expect(await bar(page, id).getAttribute('class')).toContain('precision-month');

    const retracted = await call(server.url, 'POST', `/api/records/${id}/retraction`, { reason: 'Posted by a test' });
    expect(retracted.status).toBe(200);
    await page.waitForSelector(row(id), { state: 'detached', timeout: WAIT_MS });
    await page.waitForSelector(card(id), { state: 'detached', timeout: WAIT_MS });
    expect(await page.evaluate('window.sameDocument')).toBe(true);
  });

  it('moves a record between anniversaries live when its date is corrected', async () => {
    await open(page, server, '/?anchor=cpv-entry-korean-war');
    await page.waitForSelector('#live[data-live="live"]', { timeout: WAIT_MS });
    const posted = await call(server.url, 'POST', '/api/records/visits', { ...visit(), occurredOn: '2025-10-25', summary: 'A visit on the 75th anniversary, for the test' });
    const id = posted.body.recordId;
    await page.waitForSelector(`#entries [data-anniversary="75"][data-milestone] [data-record-id="${id}"]`, { timeout: WAIT_MS });
    await call(server.url, 'POST', `/api/records/${id}/corrections`, { expectedRevision: 0, changes: { occurredOn: '2021' }, reason: 'Wrong year' });
    await page.waitForSelector(`#entries [data-anniversary="71"]:not([data-milestone]) [data-record-id="${id}"]`, { timeout: WAIT_MS });
    expect(await page.locator('#entries [data-anniversary="75"]').count()).toBe(0);
    await call(server.url, 'POST', `/api/records/${id}/retraction`, { reason: 'Posted by a test' });
    await page.waitForSelector(row(id), { state: 'detached', timeout: WAIT_MS });
  });

  it('is usable from the keyboard, with labelled pickers', async () => {
    await open(page, server, '/');
    await page.waitForSelector('#upcoming-list li', { timeout: WAIT_MS }); // the anchors' coming anniversaries
    await screenshot(page, 'start', { timeline: false });
    const country = page.getByLabel('Country', { exact: true });
    const anchor = page.getByLabel('Anchor', { exact: true });
    expect(await country.getAttribute('id')).toBe('country-input');
    expect(await anchor.getAttribute('id')).toBe('anchor-select');
    expect(await page.getByLabel('Archive as it stood at').getAttribute('id')).toBe('as-of-slider');

    // Tab reaches both pickers.
    const reached = new Set<string>();
    for (let i = 0; i < 12 && !(reached.has('country-input') && reached.has('anchor-select')); i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate<string>('document.activeElement?.id ?? ""'));
    }
    expect([...reached]).toEqual(expect.arrayContaining(['country-input', 'anchor-select']));

    // Type a code and press Enter; then open an entry from the list with Enter, close it with Escape.
    await country.focus();
    await page.keyboard.type('kp');
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-state="ready"]', { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('country')).toBe('KP');
    const first = page.locator('#entries .entry-row').first();
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('#detail').waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.keyboard.press('Escape');
    await page.locator('#detail').waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await page.evaluate('document.activeElement?.classList.contains("entry-row")')).toBe(true);

    // The anchor picker, from the keyboard too.
    await anchor.selectOption('cpv-entry-korean-war');
    await anchor.focus();
    await page.keyboard.press('Tab'); // to its Show button
    await page.keyboard.press('Enter');
    await page.waitForSelector('#entries [data-anniversary="70"]', { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('anchor')).toBe('cpv-entry-korean-war');
  });

  it('draws 1,000 records, paging through nextCursor: as counts per period, cards once zoomed in', async () => {
    const bodies = Array.from({ length: 1000 }, (_, i) => thousandthVisit(i));
    for (let i = 0; i < bodies.length; i += 20) {
      const batch = await Promise.all(bodies.slice(i, i + 20).map((body) => call(server.url, 'POST', '/api/records/visits', body)));
      expect(batch.every((answer) => answer.status === 201)).toBe(true);
    }
    await until(async () => (await timelineIds(server, 'FR')).length === 1000, { ms: WAIT_MS, what: 'the FR timeline catching up' });

    const started = Date.now();
    await open(page, server, '/?country=FR');
    await page.waitForSelector('#timeline .vis-item.bucket', { timeout: WAIT_MS });
    const took = Date.now() - started;
    expect(await page.locator('#entries .entry-row').count()).toBe(1000);
    expect(await page.locator('#view-meta').textContent()).toContain('1,000 entries');
    expect(watch.requests.filter((url) => url.includes('/api/timelines/countries/FR?') && url.includes('cursor=')).length).toBe(1);
    expect(took).toBeLessThan(6000); // about 2 s on a 2-core machine: the counts keep vis from drawing 1,000 cards

    // Seventy years of visits are too many cards for one screen: each period shows its count.
    const counts = await page.locator('#timeline .vis-item.bucket .bucket-label strong').allTextContents();
    expect(counts.map(Number).reduce((sum, n) => sum + n, 0)).toBe(1000);
    await page.locator('#timeline .vis-item.bucket').first().click(); // zooms into that period
    await page.waitForSelector('#timeline .vis-item.entry .card', { timeout: WAIT_MS });
    expect(await page.locator('#timeline .vis-item.bucket').count()).toBe(0);
  }, 120_000);

  it('loaded nothing from anywhere but the app, threw nothing and logged no error', () => {
    expect(watch.requests.length).toBeGreaterThan(0);
    expect(watch.foreignRequests(server.url)).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
  });

  describe('with API keys set', () => {
    let guarded: TestServer;
    const keys = { reader: 'reader-key-for-the-page', archivist: 'archivist-key-for-the-page' };

    beforeAll(async () => {
      guarded = await startServer({ ANNALS_API_KEYS: `${keys.reader}:reader,${keys.archivist}:archivist` });
      const posted = await call(guarded.url, 'POST', '/api/records/visits', { ...visit(), commemorates: [] }, { authorization: `Bearer ${keys.archivist}` });
      expect(posted.status).toBe(201);
    }, 30_000);
    afterAll(() => guarded?.close());

    it('asks for a key, keeps it in the browser, and sends it on every call', async () => {
      const keyed = await browser.newPage();
      const keyedWatch = new PageWatch(keyed);
      const authorisations: string[] = [];
      keyed.on('request', (request) => request.url().includes('/api/') && authorisations.push(request.headers()['authorization'] ?? new URL(request.url()).searchParams.get('access_token') ?? ''));
      await keyed.goto(`${guarded.url}/?country=KP`);
      await keyed.waitForSelector('#notice:not([hidden])', { timeout: WAIT_MS });
      expect(await keyed.locator('#notice').textContent()).toContain('needs an API key');

      await keyed.getByRole('button', { name: 'Enter a key' }).click();
      await keyed.getByLabel('API key for this archive').fill(keys.reader);
      await keyed.keyboard.press('Enter');
      await keyed.waitForSelector('body[data-state="ready"] #entries .entry-row', { timeout: WAIT_MS });
      expect(await keyed.evaluate('localStorage.getItem("annals:api-key")')).toBe(keys.reader);
      expect(authorisations.slice(-2)).toEqual(expect.arrayContaining([`Bearer ${keys.reader}`]));
      await keyed.waitForSelector('#live[data-live="live"]', { timeout: WAIT_MS });
      expect(keyedWatch.requests.some((url) => url.includes('/live?') && url.includes(`access_token=${keys.reader}`))).toBe(true);
      expect(keyedWatch.foreignRequests(guarded.url)).toEqual([]);
      expect(keyedWatch.pageErrors).toEqual([]);
      await keyed.close();
    });
  });
});

/** The i-th of 1,000 visits in France, dated to a year, a month or a day, 1950 to 2019. */
function thousandthVisit(i: number) {
  const year = 1950 + (i % 70);
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  const occurredOn = [String(year), `${year}-${month}`, `${year}-${month}-${day}`][i % 3];
  return {
    ...visit(),
    occurredOn,
    summary: `Visit number ${i + 1} to a memorial in France`,
    visitor: { name: `Visitor ${i + 1}`, role: 'Minister', country: 'FR' },
    site: { name: 'Memorial', locality: 'Normandy', country: 'FR' },
    countries: ['DE'],
    commemorates: [],
  };
}
