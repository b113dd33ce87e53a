import { replayCountryTimeline } from '../../projections/replay';
import { seedEvents } from '../fixtures/seed-events';
import { call, startServer, type TestServer } from '../support/server';
import { appendLog, asJson, projected } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

it('smoke', async () => {
  const log = await appendLog(server.store, seedEvents());
  await projected(server.url);
  const answer = await call(server.url, 'GET', '/api/timelines/countries/KP');
  console.log(JSON.stringify(answer.body, null, 1).slice(0, 1500));
  const replayed = replayCountryTimeline(log, 'KP');
  expect(answer.body.entries).toEqual(asJson(replayed.entries));
  console.log((await call(server.url, 'GET', '/api/timelines/anniversaries')).body);
  console.log(JSON.stringify((await call(server.url, 'GET', '/api/timelines/anniversaries/cpv-entry-korean-war')).body).slice(0, 500));
  console.log((await call(server.url, 'GET', '/api/health')).body);
});
