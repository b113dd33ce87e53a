// The timeline drawn on a time axis, with vis-timeline (served by the app from its npm package).
// Each entry is a bar over the days its date can mean (a year, a month, or a day drawn as a dot),
// in a lane for its kind of fact, with a card showing date, type, summary and counterparts. In an
// anchor view, each anniversary year is a band across the lanes, milestones in gold.
//
// vis draws and measures every item in the window, about 2 ms each here, and a thousand stacked
// cards are unreadable anyway: when the window holds more than DENSE entries, each lane shows how
// many entries fall in each period instead (a click zooms in), and the cards return as it thins.

import { DataSet, Timeline } from '/vendor/vis-timeline/vis-timeline-graph2d.min.mjs';
import { h } from './dom.js';
import { countryName } from './countries.js';
import { dateSpan, formatPartialDate, ordinal } from './dates.js';
import { TYPES, isMilestone, typeInfo } from './model.js';
import { PERIODS, periodFor, periodOf } from './periods.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
/** Wide enough for a card's text to the right of the last entry (see .card in app.css). */
const CARD_PX = 260;
const DENSE = 120;
const FRESH_MS = 4000;

export class TimelineView {
  /** onSelect(recordId) when the reader clicks an entry. */
  constructor(container, { onSelect }) {
    this.container = container;
    this.onSelect = onSelect;
    this.source = new DataSet(); // every entry's item; vis draws `items`, a subset or a summary of it
    this.items = new DataSet();
    this.bands = [];
    this.groups = new DataSet(Object.entries(TYPES).map(([type, info], order) => ({ id: type, order, info, count: 0, visible: false })));
    this.context = { view: null, entries: null };
  }

  get onScreen() {
    return this.container.offsetParent !== null;
  }

  // Created when first on screen: vis measures items as it draws them, and measuring in a hidden
  // container sends it round its redraw loop in vain. Given the window up front, or vis fits
  // every item itself after its first draw.
  get timeline() {
    if (!this.drawn) {
      this.drawn = new Timeline(this.container, this.items, this.groups, { ...this.options(), ...this.fullWindow() });
      this.drawn.on('select', ({ items }) => this.clicked(items[0]));
      this.drawn.on('rangechanged', () => this.refresh());
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
      template: (item) => (item.entry ? this.card(item.entry) : item.band ? bandLabel(item.band) : bucketLabel(item.bucket)),
      groupTemplate: lane,
      locale: 'en',
    };
  }

  /** Draws a view's entries; `fit` moves the window to show them all (a new view, not a live change). */
  show(view, entries, { fit }) {
    this.context = { view, entries };
    this.source.clear();
    this.source.add(entries.sorted().map((entry) => this.item(entry)));
    this.bands = bandItems(entries);
    this.redraw({ fit: fit || !this.drawn });
  }

  /** Adds, moves or redraws one record's entry (after the model applied a live change). */
  upsert(entry, { fresh = false } = {}) {
    this.source.update(this.item(entry, { fresh }));
    if (fresh) setTimeout(() => this.source.get(entry.recordId) && this.upsert(this.context.entries.get(entry.recordId) ?? entry), FRESH_MS);
    this.bands = bandItems(this.context.entries);
    this.redraw({ fit: false });
  }

  remove(recordId) {
    this.source.remove(recordId);
    this.bands = bandItems(this.context.entries);
    this.redraw({ fit: false });
  }

  redraw({ fit }) {
    this.updateLanes();
    if (!this.onScreen) return; // drawn when shown: the data is ready
    if (fit && this.drawn) this.timeline.setWindow(...windowBounds(this.fullWindow()), { animation: false });
    this.refresh();
    void this.timeline;
  }

  /** Hands vis what the window calls for: every entry, or when it is crowded, counts per period. */
  refresh() {
    const window = this.drawn ? this.drawn.getWindow() : this.fullWindow();
    const entries = this.source.get();
    const crowded = window && entries.filter((item) => item.start < window.end && item.end > window.start).length > DENSE;
    const shown = crowded ? summarise(entries, periodFor(window.end - window.start)) : entries;
    syncItems(this.items, [...this.bands, ...shown]);
  }

  select(recordId, { reveal = false } = {}) {
    if (!this.drawn || !this.onScreen) return;
    const item = recordId && this.source.get(recordId);
    if (reveal && item) this.reveal(item);
    this.timeline.setSelection(item && this.items.get(recordId) ? [recordId] : []);
  }

  // Brings an entry into the window, zooming in when it is summed up in a period's count.
  reveal(item) {
    const window = this.timeline.getWindow();
    if (this.items.get(item.id)) {
      if (item.start < window.start || item.start > window.end) this.timeline.moveTo(item.start, { animation: false });
      return;
    }
    const pad = Math.max(item.end - item.start, 90 * DAY_MS);
    this.timeline.setWindow(item.start.getTime() - pad, item.end.getTime() + 2 * pad, { animation: false });
    this.refresh();
  }

  zoom(direction) {
    if (!this.drawn || !this.onScreen) return;
    if (direction === 'in') this.timeline.zoomIn(0.5, { animation: false });
    else if (direction === 'out') this.timeline.zoomOut(0.5, { animation: false });
    else this.timeline.setWindow(...windowBounds(this.fullWindow()), { animation: false });
    this.refresh();
  }

  clicked(id) {
    const item = id === undefined ? undefined : this.items.get(id);
    if (item?.entry) this.onSelect(id);
    if (item?.bucket) this.zoomTo(item.start.getTime(), item.end.getTime());
  }

  zoomTo(start, end) {
    const pad = (end - start) * 0.05;
    this.timeline.setWindow(start - pad, end + pad, { animation: false });
    this.refresh();
  }

  /** Every entry (and in an anchor view every anniversary band), with room on the right for the last card. */
  fullWindow() {
    const spans = [...this.bands, ...this.source.get()];
    if (spans.length === 0) return undefined;
    const first = Math.min(...spans.map((item) => item.start.getTime()));
    const last = Math.max(...spans.map((item) => item.end.getTime()));
    const span = Math.max(last - first, YEAR_MS);
    const lead = span * 0.04;
    const width = Math.max(this.container.clientWidth - 160, CARD_PX * 2); // less the lane labels
    const total = (span + lead) / (1 - CARD_PX / width);
    return { start: new Date(first - lead), end: new Date(first - lead + total) };
  }

  item(entry, { fresh = false } = {}) {
    const span = dateSpan(entry.occurredOn);
    const className = `entry type-${typeInfo(entry.type).slug} precision-${span.precision}${fresh ? ' is-fresh' : ''}`;
    // `key` tells syncItems when vis must redraw the item: a correction, or a revised anchor's years.
    return { id: entry.recordId, group: entry.type, start: span.start, end: span.end, type: 'range', entry, className, key: `${className}|${JSON.stringify(entry)}` };
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
    this.source.forEach((item) => counts.set(item.group, (counts.get(item.group) ?? 0) + 1));
    this.groups.update(this.groups.getIds().map((id) => ({ id, count: counts.get(id) ?? 0, visible: counts.has(id) })));
  }
}

const windowBounds = (window) => (window ? [window.start, window.end] : [new Date(), new Date()]);

/** Makes `items` hold exactly `wanted`, touching only what changed: vis redraws what it is told to. */
function syncItems(items, wanted) {
  const ids = new Set(wanted.map((item) => item.id));
  items.remove(items.getIds({ filter: (item) => !ids.has(item.id) }));
  items.update(wanted.filter((item) => items.get(item.id)?.key !== item.key));
}

/**
 * Entries as counts per lane and period. An entry whose date is wider than the period (a year
 * among months) stays itself: counting it in one month would misplace it.
 */
function summarise(entries, period) {
  const buckets = new Map();
  const wide = [];
  for (const item of entries) {
    const start = periodOf(item.start, period);
    if (item.end > start.end) {
      wide.push(item);
      continue;
    }
    const id = `bucket:${item.group}:${start.start.getTime()}`;
    const bucket = buckets.get(id) ?? { id, group: item.group, start: start.start, end: start.end, type: 'range', bucket: { count: 0, type: item.group, period } };
    bucket.bucket.count++;
    buckets.set(id, bucket);
  }
  const summed = [...buckets.values()].map((bucket) => ({ ...bucket, className: `bucket type-${typeInfo(bucket.group).slug}`, key: `${bucket.bucket.count}` }));
  return [...summed, ...wide];
}

function bandItems(entries) {
  if (entries?.view.kind !== 'anchor') return [];
  const years = new Map();
  for (const entry of entries.sorted()) years.set(entries.yearsOf(entry), dateSpan(entry.occurredOn).start.getFullYear());
  return [...years].map(([n, year]) => {
    const { start, end } = dateSpan(String(year));
    const milestone = isMilestone(n);
    return { id: `band:${n}`, band: { years: n, year, milestone }, type: 'background', start, end, className: `anniversary${milestone ? ' is-milestone' : ''}`, key: `${n}|${year}` };
  });
}

const bandLabel = (band) =>
  h('span', { class: 'band-label' }, `${ordinal(band.years)} anniversary`, band.milestone ? h('span', { class: 'milestone-mark' }, ' ★ milestone') : null);

function bucketLabel({ count, type, period }) {
  const info = typeInfo(type);
  return h('div', { class: 'bucket-label', title: `${count} ${info.lane.toLowerCase()} in this ${PERIODS[period].noun}; click to zoom in` },
    h('strong', {}, count.toLocaleString('en')), ` ${count === 1 ? info.label.toLowerCase() : info.lane.toLowerCase()}`);
}

const lane = (group) =>
  h('div', { class: `lane type-${group.info.slug}` }, h('span', { class: 'lane-name' }, group.info.lane), h('span', { class: 'lane-count' }, group.count));
