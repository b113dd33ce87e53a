// The dashboard: wires the pickers, the as-of control, the timeline, the list, the detail panel
// and the live stream to the state in the URL. Every change of view goes through navigate(), so
// what is on screen is always what the URL says.

import { ApiError, anniversaryTimeline, apiKey, countryTimeline, getArchiveSpan, listAnchors, upcomingAnniversaries } from './api.js';
import { AsOfControl } from './as-of.js';
import { COMMON_COUNTRIES, countryName, normaliseCountry } from './countries.js';
import { formatInstant, formatPartialDate, ordinal } from './dates.js';
import { DetailPanel } from './detail.js';
import { byId, fill, h } from './dom.js';
import { renderList } from './list.js';
import { LiveFeed } from './live.js';
import { Entries, TYPES, isMilestone, typeInfo } from './model.js';
import { readUrl, sameView, urlOf } from './state.js';
import { TimelineView } from './timeline.js';

const page = {
  state: { view: null, asOf: undefined },
  anchors: new Map(),
  entries: undefined,
  selected: undefined,
  loading: undefined, // the AbortController of the snapshot being fetched
  countries: new Set(COMMON_COUNTRIES),
};

const timeline = new TimelineView(byId('timeline'), { onSelect: (id) => openDetail(id, byId('timeline')) });
const detail = new DetailPanel(byId('detail'), byId('detail-body'), byId('detail-close'), { onClose: () => select(undefined) });
const live = new LiveFeed({ onChange: applyLiveChange, onStatus: showLiveStatus });
const asOfControl = new AsOfControl(
  { slider: byId('as-of-slider'), input: byId('as-of-input'), nowButton: byId('as-of-now'), readout: byId('as-of-readout') },
  { onChange: (asOf, { replace }) => navigate({ ...page.state, asOf }, { replace }) },
);

// ---- navigation: the URL is the state --------------------------------------------------------

function navigate(next, { replace = false } = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', urlOf(next));
  apply(next);
}

function apply(next, { force = false } = {}) {
  const newView = force || !sameView(next.view, page.state.view) || !page.entries;
  page.state = { view: next.view, asOf: next.asOf };
  reflectPickers(next.view);
  asOfControl.show(next.asOf);
  if (newView) detail.close();
  if (!next.view) return showWelcome();
  return load(page.state, { fit: newView });
}

// Links within the page (anchors, counterparts) change the view without a reload.
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[href^="/?"]');
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const { view, asOf } = readUrl(link.href);
  navigate({ view, asOf: asOf ?? page.state.asOf });
});
window.addEventListener('popstate', () => apply(readUrl(location.href)));

// ---- loading a view ----------------------------------------------------------------------------

async function load(state, { fit }) {
  page.loading?.abort();
  const controller = new AbortController();
  page.loading = controller;
  live.stop();
  pending.clear(); // changes to the view being left
  setPageState('loading');
  try {
    const snapshot = await fetchSnapshot(state, controller.signal);
    if (controller.signal.aborted) return;
    page.entries = new Entries(state.view, snapshot.entries);
    page.anchor = snapshot.anchor;
    render({ fit });
    if (state.asOf) showLiveStatus('past');
    else if (state.view.kind === 'anchor' && !snapshot.anchor) showLiveStatus('off'); // nothing to follow
    else live.start(state.view, snapshot.position);
    setPageState('ready');
  } catch (error) {
    if (!controller.signal.aborted) showError(error);
  }
}

async function fetchSnapshot({ view, asOf }, signal) {
  if (view.kind === 'country') return countryTimeline(view.code, { asOf, signal });
  let answer;
  try {
    answer = await anniversaryTimeline(view.anchorId, { asOf, signal });
  } catch (error) {
    // An anchor not defined (then, or at all) is an empty view that says so, not a failure.
    if (error instanceof ApiError && error.status === 404) return { position: undefined, anchor: undefined, entries: [] };
    throw error;
  }
  const entries = (answer.anniversaries ?? []).flatMap((anniversary) => anniversary.entries);
  return { position: answer.position, anchor: answer.anchor, entries };
}

// Live changes come in bursts (an archivist's import): the model takes each at once, the page
// is redrawn once per frame with all of them.
const pending = new Map(); // recordId → the model's outcome: 'added', 'moved', 'updated', 'removed'

function applyLiveChange(message) {
  if (!page.entries) return;
  const outcome = page.entries.apply(message);
  if (outcome === 'ignored') return;
  pending.set(message.entry.recordId, outcome);
  if (outcome === 'removed' && detail.openRecordId === message.entry.recordId) detail.markGone();
  scheduleRender();
}

function flushLiveChanges() {
  if (pending.size === 0) return;
  const wasEmpty = byId('view').classList.contains('is-empty');
  showEmptiness();
  const removed = [...pending].filter(([, outcome]) => outcome === 'removed').map(([id]) => id);
  const upserted = [...pending.keys()].map((id) => page.entries.get(id)).filter(Boolean);
  timeline.apply({ upserted, removed });
  if (wasEmpty) timeline.fit();
  announceChanges([...pending.values()]);
  pending.clear();
}

const CHANGE_WORDS = { added: ['new entry', 'new entries'], moved: ['entry moved', 'entries moved'], updated: ['entry corrected', 'entries corrected'], removed: ['entry removed', 'entries removed'] };

function announceChanges(outcomes) {
  const counts = new Map();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  announce([...counts].map(([outcome, n]) => `${n} ${CHANGE_WORDS[outcome][n === 1 ? 0 : 1]}`).join(', '));
}

// ---- rendering --------------------------------------------------------------------------------

function render({ fit }) {
  byId('welcome').hidden = true;
  byId('view').hidden = false;
  showEmptiness();
  renderSummary();
  timeline.show(page.state.view, page.entries, { fit, anchor: page.anchor });
  rememberCountries(page.entries.sorted().flatMap((entry) => entry.countries ?? []));
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    if (!page.entries) return;
    flushLiveChanges();
    renderSummary();
  });
}

function renderSummary() {
  renderHeader();
  renderLegend();
  renderList(byId('entries'), page.entries, { onOpen: openDetail, selected: page.selected });
}

/** The timeline is drawn only while there is something to draw; else the empty state says why. */
function showEmptiness() {
  const empty = page.entries.size === 0;
  byId('view').classList.toggle('is-empty', empty);
  renderEmpty(empty);
}

function renderHeader() {
  const { view, asOf } = page.state;
  const count = plural(page.entries.size, 'entry', 'entries');
  const when = asOf ? ` as of ${formatInstant(asOf)}` : '';
  if (view.kind === 'country') {
    byId('view-kicker').textContent = `Country timeline · ${view.code}`;
    byId('view-title').textContent = countryName(view.code);
    const counterparts = topCounterparts(page.entries.sorted(), 6);
    fill(byId('view-meta'), `${count}${when}`, counterparts.length ? ` · most often with ${counterparts.map(countryName).join(', ')}` : '');
  } else {
    const anchor = page.anchor;
    byId('view-kicker').textContent = 'Anniversaries of';
    byId('view-title').textContent = anchor?.name ?? view.anchorId;
    const years = new Set(page.entries.sorted().map((entry) => page.entries.yearsOf(entry)));
    const milestones = [...years].filter(isMilestone).sort((a, b) => a - b);
    fill(
      byId('view-meta'),
      anchor ? `${formatPartialDate(anchor.date, { long: true })} · ${(anchor.countries ?? []).map(countryName).join(', ')} · ` : '',
      `${count} marking ${plural(years.size, 'anniversary', 'anniversaries')}${when}`,
      milestones.length ? ` · milestones: ${milestones.map(ordinal).join(', ')}` : '',
    );
  }
  document.title = `${byId('view-title').textContent} · annals`;
}

function renderLegend() {
  const counts = new Map();
  for (const entry of page.entries.sorted()) counts.set(entry.type, (counts.get(entry.type) ?? 0) + 1);
  fill(
    byId('legend'),
    Object.keys(TYPES).map((type) =>
      h('li', { class: `legend-item type-${typeInfo(type).slug}${counts.has(type) ? '' : ' is-absent'}` },
        h('span', { class: 'legend-swatch', 'aria-hidden': 'true' }), `${typeInfo(type).lane} `, h('span', { class: 'legend-count' }, counts.get(type) ?? 0)),
    ),
    h('li', { class: 'legend-item legend-precision' }, h('span', { class: 'legend-bar', 'aria-hidden': 'true' }), 'year or month'),
    h('li', { class: 'legend-item legend-precision' }, h('span', { class: 'legend-dot', 'aria-hidden': 'true' }), 'a day'),
  );
}

function renderEmpty(empty) {
  const panel = byId('empty');
  panel.hidden = !empty;
  if (!empty) return;
  const { view, asOf } = page.state;
  const what = view.kind === 'country' ? `${countryName(view.code)} (${view.code})` : `“${page.anchor?.name ?? view.anchorId}”`;
  const absentAnchor = view.kind === 'anchor' && !page.anchor;
  fill(
    panel,
    h('h2', {}, absentAnchor ? `No anchor “${view.anchorId}”${asOf ? ' at that moment' : ''}` : `Nothing recorded for ${what}${asOf ? ' yet at that moment' : ' yet'}`),
    h('p', {}, absentAnchor
      ? 'The archive does not define this historical event. Pick one from the Anchor list.'
      : asOf
        ? 'Move “As of” later, or back to now, to see what was recorded since.'
        : view.kind === 'country'
          ? 'Records in which this country is the actor, the host or a participant will appear here as archivists add them.'
          : 'Records that commemorate this event, a year or more after it, will appear here, grouped by anniversary.'),
  );
}

function showWelcome() {
  page.loading?.abort();
  page.entries = undefined;
  live.stop();
  byId('view').hidden = true;
  byId('welcome').hidden = false;
  document.title = 'annals · commemorations timeline';
  setPageState('welcome');
}

function showError(error) {
  setPageState('error');
  const notice = byId('notice');
  notice.hidden = false;
  if (error instanceof ApiError && error.status === 401) {
    fill(notice, 'This archive needs an API key. ', h('button', { type: 'button', class: 'link-button', on: { click: openKeyBox } }, 'Enter a key'), '.');
  } else if (error instanceof ApiError && error.status === 403) {
    fill(notice, 'This API key may not read timelines. ', h('button', { type: 'button', class: 'link-button', on: { click: openKeyBox } }, 'Use another key'), '.');
  } else if (error instanceof ApiError) {
    fill(notice, `The archive refused the request (${error.status}): ${error.message}`);
  } else {
    fill(notice, `Could not reach the archive: ${error.message}`);
  }
}

function setPageState(state) {
  document.body.dataset.state = state;
  byId('main').setAttribute('aria-busy', String(state === 'loading'));
  if (state !== 'error') byId('notice').hidden = true;
}

// ---- detail and selection ---------------------------------------------------------------------

function openDetail(recordId, trigger) {
  const entry = page.entries?.get(recordId);
  if (!entry) return;
  select(recordId, { reveal: trigger !== byId('timeline') });
  void detail.open(entry, { view: page.state.view, asOf: page.state.asOf, anchors: page.anchors, trigger });
}

function select(recordId, { reveal = false } = {}) {
  page.selected = recordId;
  timeline.select(recordId, { reveal });
  for (const row of byId('entries').querySelectorAll('.entry-row')) {
    const on = row.dataset.recordId === recordId;
    row.classList.toggle('is-selected', on);
    if (on) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

// ---- live status ------------------------------------------------------------------------------

const LIVE_TEXT = { off: 'Not connected', connecting: 'Connecting…', live: 'Live', retrying: 'Reconnecting…', past: 'Past view, not live' };

function showLiveStatus(status) {
  const element = byId('live');
  element.dataset.live = status;
  element.querySelector('.live-text').textContent = LIVE_TEXT[status];
  element.title = status === 'live' ? 'Changes appear as archivists record them' : status === 'past' ? 'Back to now to follow changes live' : '';
}

function announce(text) {
  byId('announcer').textContent = text;
}

// ---- pickers and the key ----------------------------------------------------------------------

function reflectPickers(view) {
  byId('country-input').value = view?.kind === 'country' ? view.code : '';
  byId('anchor-select').value = view?.kind === 'anchor' && page.anchors.has(view.anchorId) ? view.anchorId : '';
}

byId('country-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId('country-input');
  const code = normaliseCountry(input.value);
  input.setCustomValidity(code ? '' : 'Type a two-letter country code, such as KP');
  if (!input.reportValidity()) return;
  navigate({ view: { kind: 'country', code }, asOf: page.state.asOf });
});
byId('country-input').addEventListener('input', (event) => event.target.setCustomValidity(''));

byId('anchor-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const anchorId = byId('anchor-select').value;
  if (anchorId) navigate({ view: { kind: 'anchor', anchorId }, asOf: page.state.asOf });
});

for (const button of document.querySelectorAll('[data-zoom]')) button.addEventListener('click', () => timeline.zoom(button.dataset.zoom));

// A link to what is on screen; a live view is pinned to this moment, so it shows the reader the same.
byId('copy-link').addEventListener('click', async () => {
  const link = new URL(urlOf({ ...page.state, asOf: page.state.asOf ?? new Date().toISOString() }), location.href).href;
  try {
    await navigator.clipboard.writeText(link);
    announce('Link copied');
    flash(byId('copy-link'), 'Copied');
  } catch {
    window.prompt('Copy this link', link); // no clipboard outside a secure context
  }
});

function flash(button, text) {
  const before = button.textContent;
  button.textContent = text;
  setTimeout(() => (button.textContent = before), 1500);
}

function openKeyBox() {
  byId('key-box').open = true;
  byId('key-input').focus();
}

byId('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey.set(byId('key-input').value.trim());
  byId('key-box').open = false;
  void start({ force: true });
});
byId('key-forget').addEventListener('click', () => {
  apiKey.set('');
  byId('key-input').value = '';
  void start({ force: true });
});

async function loadAnchors() {
  const anchors = await listAnchors();
  page.anchors = new Map(anchors.map((anchor) => [anchor.anchorId, anchor]));
  const select = byId('anchor-select');
  fill(select, h('option', { value: '' }, 'Choose a historical event…'),
    anchors.map((anchor) => h('option', { value: anchor.anchorId }, `${anchor.name} (${formatPartialDate(anchor.date)})`)));
  fill(byId('welcome-anchors'), anchors.map((anchor) =>
    h('li', {}, h('a', { href: `/?anchor=${anchor.anchorId}`, class: 'chip' }, anchor.name, h('span', { class: 'chip-note' }, formatPartialDate(anchor.date))))));
  rememberCountries(anchors.flatMap((anchor) => anchor.countries ?? []));
  reflectPickers(page.state.view);
}

/** The start page lists what is coming up: a newsroom plans for the next anniversaries. */
async function loadUpcoming() {
  const upcoming = (await upcomingAnniversaries(365)).slice(0, 8);
  byId('upcoming').hidden = upcoming.length === 0;
  fill(byId('upcoming-list'), upcoming.map((a) =>
    h('li', { class: a.milestone ? 'is-milestone' : null },
      h('time', { datetime: a.on }, formatPartialDate(a.on)),
      h('a', { href: `/?anchor=${a.anchorId}` }, `${ordinal(a.years)} anniversary of ${a.name}`),
      a.milestone ? h('span', { class: 'milestone-badge' }, '★ milestone') : null)));
}

/** The country picker suggests the countries the archive has shown, then common ones. */
function rememberCountries(codes) {
  const before = page.countries.size;
  for (const code of codes) page.countries.add(code);
  if (page.countries.size === before && byId('country-options').childElementCount) return;
  const sorted = [...page.countries].sort((a, b) => countryName(a).localeCompare(countryName(b)));
  fill(byId('country-options'), sorted.map((code) => h('option', { value: code }, countryName(code))));
  fill(byId('welcome-countries'), sorted.map((code) =>
    h('li', {}, h('a', { href: `/?country=${code}`, class: 'chip' }, countryName(code), h('span', { class: 'chip-note' }, code)))));
}

// ---- helpers ------------------------------------------------------------------------------------

const plural = (n, one, many) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function topCounterparts(entries, n) {
  const counts = new Map();
  for (const entry of entries) for (const code of entry.counterparts ?? []) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([code]) => code);
}

// ---- start ------------------------------------------------------------------------------------

async function start({ force = false } = {}) {
  byId('key-input').value = apiKey.get();
  const { view, asOf, ignored } = readUrl(location.href);
  rememberCountries([]);
  try {
    const [, span] = await Promise.all([loadAnchors(), getArchiveSpan()]);
    asOfControl.setSpan(span.firstRecordedAt);
  } catch (error) {
    showError(error);
    return;
  }
  apply({ view, asOf }, { force });
  if (ignored.length) announce(`Ignored in the address: ${ignored.join('; ')}`);
  loadUpcoming().catch(() => (byId('upcoming').hidden = true)); // a nicety: the page works without it
}

void start();
