// The timeline drawn on a time axis, with vis-timeline (served by the app from its npm package).
// Each entry is a bar over the days its date can mean (a year, a month, or a day drawn as a dot),
// in a lane for its kind of fact, with a card showing date, type, summary and counterparts. In an
// anchor view, each anniversary year is a band across the lanes, milestones in gold.

import { DataSet, Timeline } from '/vendor/vis-timeline/vis-timeline-graph2d.min.mjs';
import { h } from './dom.js';
import { countryName } from './countries.js';
import { dateSpan, formatPartialDate, ordinal } from './dates.js';
import { TYPES, isMilestone, typeInfo } from './model.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
/** Wide enough for a card's text to the right of the last entry (see .card in app.css). */
const CARD_PX = 300;

export class TimelineView {
  /** onSelect(recordId) when the reader clicks an entry. */
  constructor(container, { onSelect }) {
    this.items = new DataSet();
    this.groups = new DataSet(
      Object.entries(TYPES).map(([type, info], order) => ({ id: type, order, info, count: 0, visible: false })),
    );
    this.context = { view: null, entries: null };
    this.container = container;
    this.onSelect = onSelect;
  }

  get onScreen() {
    return this.container.offsetParent !== null;
  }

  // Created on the first show, when the container is on screen: vis measures its items as it
  // draws them, and measuring in a hidden container sends it round its redraw loop in vain.
  get timeline() {
    if (!this.drawn) {
      // Given the window up front: without one, vis fits every item itself after its first draw.
      this.drawn = new Timeline(this.container, this.items, this.groups, { ...this.options(), ...this.fullWindow() });
      this.drawn.on('select', ({ items }) => items.length === 1 && !String(items[0]).startsWith('band:') && this.onSelect(items[0]));
    }
    return this.drawn;
  }

  options() {
    return {
      orientation: { axis: 'top', item: 'top' },
      stack: true,
      margin: { item: { horizontal: 4, vertical: 8 }, axis: 26 }, // room for the anniversary bands' labels
      zoomKey: 'ctrlKey', // the wheel scrolls the page unless the reader means to zoom
      verticalScroll: true,
      maxHeight: 620,
      zoomMin: 14 * DAY_MS,
      zoomMax: 300 * YEAR_MS,
      showCurrentTime: false,
      groupOrder: 'order',
      template: (item) => (item.entry ? this.card(item.entry) : band(item)),
      groupTemplate: (group) => lane(group),
      align: 'auto',
      locale: 'en',
    };
  }

  /** Draws a view's entries; `fit` moves the window to show them all (a new view, not a live change). */
  show(view, entries, { fit }) {
    this.context = { view, entries };
    this.items.clear();
    this.items.add([...bands(entries), ...entries.sorted().map((entry) => this.item(entry))]);
    this.updateLanes();
    if (fit || !this.drawn) this.fit();
  }

  /** Adds, moves or redraws one record's entry (after the model applied a live change). */
  upsert(entry, { fresh = false } = {}) {
    const item = this.item(entry);
    this.items.update({ ...item, className: `${item.className}${fresh ? ' is-fresh' : ''}` });
    this.syncBands();
    this.updateLanes();
  }

  remove(recordId) {
    this.items.remove(recordId);
    this.syncBands();
    this.updateLanes();
  }

  select(recordId, { reveal = false } = {}) {
    if (!this.onScreen) return;
    this.timeline.setSelection(recordId ? [recordId] : []);
    const item = recordId && this.items.get(recordId);
    if (!reveal || !item) return;
    const window = this.timeline.getWindow();
    if (item.start < window.start || item.start > window.end) this.timeline.moveTo(item.start, { animation: false });
  }

  zoom(direction) {
    if (!this.onScreen) return;
    if (direction === 'in') this.timeline.zoomIn(0.5, { animation: false });
    else if (direction === 'out') this.timeline.zoomOut(0.5, { animation: false });
    else this.fit();
  }

  /** Shows every entry, with room on the right for the last one's card. */
  fit() {
    if (!this.onScreen) return;
    const window = this.fullWindow();
    if (window) this.timeline.setWindow(window.start, window.end, { animation: false });
  }

  fullWindow() {
    // An anchor view shows its anniversary years whole: the bands are part of what it says.
    const spans = this.items.get({ filter: (item) => Boolean(item.entry || item.band) });
    if (spans.length === 0) return undefined;
    const first = Math.min(...spans.map((item) => item.start.getTime()));
    const last = Math.max(...spans.map((item) => item.end.getTime()));
    const span = Math.max(last - first, YEAR_MS);
    const lead = span * 0.04;
    const width = Math.max(this.container.clientWidth - 160, CARD_PX * 2); // less the lane labels
    const total = (span + lead) / (1 - CARD_PX / width);
    return { start: new Date(first - lead), end: new Date(first - lead + total) };
  }

  item(entry) {
    const span = dateSpan(entry.occurredOn);
    return {
      id: entry.recordId,
      group: entry.type,
      start: span.start,
      end: span.end,
      type: 'range',
      entry,
      className: `entry type-${typeInfo(entry.type).slug} precision-${span.precision}`,
    };
  }

  card(entry) {
    const info = typeInfo(entry.type);
    const countries = entry.counterparts ?? [];
    const years = this.context.entries?.yearsOf(entry);
    return h(
      'div',
      { class: 'card', 'data-record-id': entry.recordId, title: entry.summary },
      h(
        'div',
        { class: 'card-meta' },
        h('span', { class: `type-badge type-${info.slug}` }, info.label),
        h('time', { datetime: entry.occurredOn }, formatPartialDate(entry.occurredOn)),
        years ? h('span', { class: `card-anniversary${isMilestone(years) ? ' is-milestone' : ''}` }, ordinal(years)) : null,
        entry.revision > 0 ? h('span', { class: 'card-corrected' }, 'corrected') : null,
      ),
      h('p', { class: 'card-summary' }, entry.summary),
      countries.length
        ? h(
            'p',
            { class: 'card-countries' },
            this.context.view?.kind === 'country' ? 'with ' : 'countries ',
            countries.map((code) => h('abbr', { class: 'country', title: countryName(code) }, code)),
          )
        : null,
    );
  }

  // Lanes show only the kinds of fact the view holds, each with its count.
  updateLanes() {
    const counts = new Map();
    this.items.forEach((item) => item.entry && counts.set(item.group, (counts.get(item.group) ?? 0) + 1));
    this.groups.update(this.groups.getIds().map((id) => ({ id, count: counts.get(id) ?? 0, visible: counts.has(id) })));
  }

  // An anchor view's bands follow its entries: a live change may open or empty an anniversary.
  syncBands() {
    if (this.context.view?.kind !== 'anchor') return;
    const wanted = bands(this.context.entries);
    const stale = this.items.getIds({ filter: (item) => item.band && !wanted.some((band) => band.id === item.id) });
    this.items.remove(stale);
    this.items.update(wanted);
  }
}

function bands(entries) {
  if (entries.view.kind !== 'anchor') return [];
  const byYears = new Map();
  for (const entry of entries.sorted()) {
    const years = entries.yearsOf(entry);
    const year = dateSpan(entry.occurredOn).start.getFullYear();
    byYears.set(years, year);
  }
  return [...byYears].map(([years, year]) => ({
    id: `band:${years}`,
    band: { years, year, milestone: isMilestone(years) },
    type: 'background',
    start: dateSpan(String(year)).start,
    end: dateSpan(String(year)).end,
    className: `anniversary${isMilestone(years) ? ' is-milestone' : ''}`,
  }));
}

const band = (item) =>
  h(
    'span',
    { class: 'band-label' },
    `${ordinal(item.band.years)} anniversary`,
    item.band.milestone ? h('span', { class: 'milestone-mark' }, ' ★ milestone') : null,
  );

const lane = (group) =>
  h('div', { class: `lane type-${group.info.slug}` }, h('span', { class: 'lane-name' }, group.info.lane), h('span', { class: 'lane-count' }, group.count));
