// The entry detail panel: the record as the view shows it, its sources with links, and its
// history of corrections from GET /api/records/:id. Under an as-of view the record's fields are
// folded from the events recorded by then, and later events are shown as still to come.

import { getRecord } from './api.js';
import { h, fill } from './dom.js';
import { countryName } from './countries.js';
import { formatInstant, formatPartialDate, ordinal } from './dates.js';
import { isMilestone, typeInfo } from './model.js';

export class DetailPanel {
  constructor(panel, body, closeButton, { onClose }) {
    this.panel = panel;
    this.body = body;
    this.onClose = onClose;
    this.recordId = undefined;
    closeButton.addEventListener('click', () => this.close());
    panel.addEventListener('keydown', (event) => event.key === 'Escape' && this.close());
  }

  get openRecordId() {
    return this.recordId;
  }

  /** Shows an entry at once, then its record's details when they arrive. */
  async open(entry, { view, asOf, anchors, trigger }) {
    this.recordId = entry.recordId;
    this.trigger = trigger;
    this.panel.hidden = false;
    this.panel.setAttribute('aria-busy', 'true');
    fill(this.body, summary(entry, { view, anchors }), h('p', { class: 'detail-loading' }, 'Loading the record’s history…'));
    this.panel.focus();
    try {
      const record = await getRecord(entry.recordId);
      if (this.recordId !== entry.recordId) return; // the reader moved on meanwhile
      fill(this.body, summary(entry, { view, anchors }), recordDetails(record, asOf));
    } catch (error) {
      if (this.recordId !== entry.recordId) return;
      fill(this.body, summary(entry, { view, anchors }), h('p', { class: 'detail-error' }, `Could not load the record: ${error.message}`));
    } finally {
      if (this.recordId === entry.recordId) this.panel.removeAttribute('aria-busy');
    }
  }

  /** The record left the view (retracted, or no longer in it): say so rather than vanish. */
  markGone() {
    if (!this.recordId) return;
    this.body.prepend(h('p', { class: 'detail-gone', role: 'note' }, 'This record is no longer in the timeline (retracted or moved out).'));
  }

  close() {
    if (!this.recordId) return;
    this.recordId = undefined;
    this.panel.hidden = true;
    if (this.trigger?.isConnected) this.trigger.focus();
    this.onClose();
  }
}

function summary(entry, { view, anchors }) {
  const info = typeInfo(entry.type);
  return h(
    'header',
    { class: 'detail-header' },
    h('p', { class: 'detail-kicker' }, h('span', { class: `type-badge type-${info.slug}` }, info.label), ' ',
      h('time', { datetime: entry.occurredOn }, formatPartialDate(entry.occurredOn, { long: true }))),
    h('h2', { id: 'detail-title' }, entry.summary),
    countriesLine(entry, view),
    commemorations(entry, anchors),
  );
}

function countriesLine(entry, view) {
  const roles = view?.kind === 'country' && entry.roles?.length ? `${countryName(view.code)} as ${entry.roles.join(' and ')}` : null;
  const others = entry.counterparts ?? [];
  return h(
    'p',
    { class: 'detail-countries' },
    roles,
    others.length ? [roles ? '; with ' : 'Countries: ', others.map((code, i) => [i ? ', ' : '', h('a', { href: `/?country=${code}`, class: 'country-link' }, countryName(code), ` (${code})`)])] : null,
  );
}

function commemorations(entry, anchors) {
  if (!entry.commemorates?.length) return null;
  return h(
    'ul',
    { class: 'detail-commemorates', 'aria-label': 'Commemorates' },
    entry.commemorates.map(({ anchorId, years }) =>
      h(
        'li',
        {},
        years >= 1 ? h('span', { class: `anniversary-pill${isMilestone(years) ? ' is-milestone' : ''}` }, `${ordinal(years)} anniversary`) : null,
        ' of ',
        h('a', { href: `/?anchor=${anchorId}` }, anchors.get(anchorId)?.name ?? anchorId),
      ),
    ),
  );
}

function recordDetails(record, asOf) {
  const history = record.history ?? [];
  const seen = asOf ? history.filter((event) => event.recordedAt <= asOf) : history;
  const fact = foldFact(seen.length ? seen : history);
  return [
    h('section', { class: 'detail-section' }, h('h3', {}, 'What was recorded'), facts(record.type, fact)),
    h('section', { class: 'detail-section' }, h('h3', {}, 'Sources'), sources(fact.sources ?? [])),
    h('section', { class: 'detail-section' }, h('h3', {}, 'History'), historyList(history, asOf)),
  ];
}

/** The fact as its events leave it: the first event's data, then each correction's changed fields. */
const foldFact = (events) => events.reduce(evolveFact, {});

function evolveFact(fact, event) {
  if (event.type === 'RecordCorrected') return { ...fact, ...event.data.changes };
  if (event.type === 'RecordRetracted') return fact;
  return { ...event.data };
}

const actor = (a) => a && [a.name, a.role && ` (${a.role})`, a.country && `, ${countryName(a.country)}`].filter(Boolean).join('');
const place = (p) => p && [p.name, p.locality, p.country && countryName(p.country)].filter(Boolean).join(', ');

const FIELDS = {
  VisitMade: (f) => [['Visitor', actor(f.visitor)], ['Site', place(f.site)], ['Delegation', f.delegation?.map(actor).join('; ')]],
  WreathSent: (f) => [['Sent by', actor(f.sender)], ['Tribute', f.tribute?.replace('-', ' ')], ['Delivered by', actor(f.deliveredBy)], ['Site', place(f.site)]],
  MonumentAnnounced: (f) => [
    ['Monument', f.monument && `${f.monument.name} (${f.monument.kind})`],
    ['Where', place(f.monument?.place)],
    ['Announced by', actor(f.announcedBy)],
    ['Announced at', place(f.announcedAt)],
  ],
  StatementIssued: (f) => [['Speaker', actor(f.speaker)], ['Venue', f.venue], ['Where', place(f.place)], ['Language', f.language]],
};

function facts(type, fact) {
  const rows = (FIELDS[type]?.(fact) ?? []).filter(([, value]) => value);
  return h(
    'div',
    {},
    h('dl', { class: 'detail-facts' }, rows.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    fact.quote ? h('blockquote', { class: 'detail-quote' }, fact.quote) : null,
  );
}

function sources(list) {
  if (list.length === 0) return h('p', {}, 'No sources.');
  return h(
    'ul',
    { class: 'detail-sources' },
    list.map((source) => {
      const href = webLink(source.url);
      const link = (text) => h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, text);
      return h(
        'li',
        {},
        h('span', { class: 'source-publisher' }, source.publisher),
        source.title ? [': ', href ? link(source.title) : h('cite', {}, source.title)] : null,
        !source.title && href ? [' ', link('link')] : null,
        source.publishedOn ? h('span', { class: 'source-date' }, `, ${formatPartialDate(source.publishedOn)}`) : null,
      );
    }),
  );
}

// The API takes only http(s) URLs, but an archive restored from an export is not re-validated:
// a javascript: URL must never become a link.
function webLink(url) {
  try {
    return url && ['http:', 'https:'].includes(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

const EVENT_LABELS = { RecordCorrected: 'Corrected', RecordRetracted: 'Retracted' };

function historyList(history, asOf) {
  let fact = {};
  return h(
    'ol',
    { class: 'detail-history' },
    history.map((event) => {
      const before = fact;
      fact = evolveFact(fact, event);
      const later = asOf && event.recordedAt > asOf;
      return h(
        'li',
        { class: `history-event${later ? ' is-later' : ''}`, 'data-event-type': event.type },
        h('p', { class: 'history-head' },
          h('strong', {}, EVENT_LABELS[event.type] ?? 'Recorded'),
          ` · revision ${event.revision} · `,
          h('time', { datetime: event.recordedAt }, formatInstant(event.recordedAt)),
          event.recordedBy ? ` · by ${event.recordedBy}` : null,
          later ? h('span', { class: 'history-later' }, ' · after this view’s as-of moment') : null),
        event.data?.reason ? h('p', { class: 'history-reason' }, `“${event.data.reason}”`) : null,
        event.type === 'RecordCorrected' ? changes(before, event.data.changes ?? {}) : null,
      );
    }),
  );
}

function changes(before, changed) {
  return h(
    'ul',
    { class: 'history-changes' },
    Object.entries(changed).map(([field, value]) =>
      h('li', {}, h('code', {}, field), ': ', h('del', {}, show(before[field])), ' → ', h('ins', {}, show(value))),
    ),
  );
}

const show = (value) => (value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));
