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
import { dateSpan, formatPartialDate, localDate, ordinal } from './dates.js';
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
      // No horizontal margin: periods' counts sit edge to edge; cards keep apart by their own margin.
      margin: { item: { horizontal: 0, vertical: 8 }, axis: 26 }, // room for the anniversary bands' labels
      zoomKey: 'ctrlKey', // the wheel scrolls the page unless the reader means to zoom
      verticalScroll: true,
      maxHeight: Math.max(420, Math.round(window.innerHeight * 0.72)), // then it scrolls within
      zoomMin: 14 * DAY_MS,
      zoomMax: 300 * YEAR_MS,
      showCurrentTime: false,
      groupOrder: 'order',
      template: (item) => (item.entry ? this.card(item.entry) : item.band ? bandLabel(item.band) : item.day ? dayLabel(item.day) : bucketLabel(item.bucket)),
      groupTemplate: lane,
      locale: 'en',
      // vis keeps the timeline invisible until its first draw settles; say when it has.
      onInitialDrawComplete: () => (this.container.dataset.drawn = 'true'),
    };
  }

  /** Draws a view's entries; `fit` moves the window to show them all (a new view, not a live change). */
  show(view, entries, { fit, anchor }) {
    this.context = { view, entries, anchor };
    this.source.clear();
    this.source.add(entries.sorted().map((entry) => this.item(entry)));
    this.bands = bandItems(this.context);
    this.redraw({ fit: fit || !this.drawn });
  }

  /** Applies live changes in one go (the model applied them first); changed entries glow for a moment. */
  apply({ upserted, removed }) {
    this.source.remove(removed);
    this.source.update(upserted.map((entry) => this.item(entry, { fresh: true })));
    this.bands = bandItems(this.context);
    this.redraw({ fit: false });
    const ids = upserted.map((entry) => entry.recordId);
    setTimeout(() => this.unmarkFresh(ids), FRESH_MS);
  }

  unmarkFresh(ids) {
    const current = ids.map((id) => this.context.entries.get(id)).filter((entry) => entry && this.source.get(entry.recordId));
    this.source.update(current.map((entry) => this.item(entry)));
    this.refresh();
  }

  redraw({ fit }) {
    this.updateLanes();
    if (!this.onScreen) return; // drawn when shown: the data is ready
    const full = fit && this.drawn && this.fullWindow();
    if (full) this.drawn.setWindow(full.start, full.end, { animation: false });
    this.refresh();
    void this.timeline; // draws it, the first time
  }

  /** Hands vis what the window calls for: every entry, or when it is crowded, counts per period. */
  refresh() {
    const range = this.drawn ? this.drawn.getWindow() : this.fullWindow();
    const entries = this.source.get();
    const crowded = range && entries.filter((item) => item.start < range.end && item.end > range.start).length > DENSE;
    const shown = crowded ? summarise(entries, periodFor(range.end - range.start)) : entries;
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
    const range = this.timeline.getWindow();
    if (this.items.get(item.id)) {
      if (item.start < range.start || item.start > range.end) this.timeline.moveTo(item.start, { animation: false });
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
    else return this.fit();
    this.refresh();
  }

  /** Shows every entry: for a new view, or one whose first entry just arrived. */
  fit() {
    this.redraw({ fit: true });
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

/** An anchor view's anniversary years, each a band, with a line on the anniversary's day when the anchor has one. */
function bandItems({ entries, anchor }) {
  if (entries?.view.kind !== 'anchor') return [];
  const years = new Map();
  for (const entry of entries.sorted()) years.set(entries.yearsOf(entry), dateSpan(entry.occurredOn).start.getFullYear());
  return [...years].flatMap(([n, year]) => {
    const { start, end } = dateSpan(String(year));
    const milestone = isMilestone(n);
    const band = { id: `band:${n}`, band: { years: n, year, milestone }, type: 'background', start, end, className: `anniversary${milestone ? ' is-milestone' : ''}`, key: `${n}|${year}` };
    const day = anniversaryDay(anchor?.date, year);
    const line = day && { id: `day:${n}`, day, type: 'background', start: day, end: localDate(year, day.getMonth(), day.getDate() + 1), className: 'anniversary-day', key: `${day.getTime()}` };
    return line ? [band, line] : [band];
  });
}

/** The day an anchor dated to a day falls on in `year`; 29 February on the 28th in common years, as the API has it. */
function anniversaryDay(date, year) {
  const span = dateSpan(date);
  if (span?.precision !== 'day') return undefined;
  const [month, day] = [span.start.getMonth(), span.start.getDate()];
  const leap = new Date(year, 1, 29).getMonth() === 1;
  return localDate(year, month, month === 1 && day === 29 && !leap ? 28 : day);
}

const DAY_LABEL = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const dayLabel = (day) => h('span', { class: 'anniversary-day-label', title: 'The anniversary' }, DAY_LABEL.format(day));

const bandLabel = (band) =>
  h('span', { class: 'band-label' }, `${ordinal(band.years)} anniversary`, band.milestone ? h('span', { class: 'milestone-mark' }, ' ★ milestone') : null);

function bucketLabel({ count, type, period }) {
  const info = typeInfo(type);
  return h('div', { class: 'bucket-label', title: `${count} ${info.lane.toLowerCase()} in this ${PERIODS[period].noun}; click to zoom in` },
    h('strong', {}, count.toLocaleString('en')), ` ${count === 1 ? info.label.toLowerCase() : info.lane.toLowerCase()}`);
}

const lane = (group) =>
  h('div', { class: `lane type-${group.info.slug}` }, h('span', { class: 'lane-name' }, group.info.lane), h('span', { class: 'lane-count' }, group.count));
