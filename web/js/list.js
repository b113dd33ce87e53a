// The entries as a list under the timeline, grouped by year (a country) or by anniversary (an
// anchor). It is the keyboard's and the screen reader's way through the timeline: every row is
// a button that opens the entry's details and shows it on the axis.

import { h, fill } from './dom.js';
import { countryName } from './countries.js';
import { dateSpan, formatPartialDate, ordinal } from './dates.js';
import { isMilestone, typeInfo } from './model.js';

/** Renders the list; onOpen(recordId, button) when a row is activated. Keeps focus on the row it was on. */
export function renderList(container, entries, { onOpen, selected }) {
  const focused = document.activeElement?.closest?.('[data-record-id]')?.dataset.recordId;
  fill(container, groupsOf(entries).map((group) => section(group, entries, { onOpen, selected })));
  if (focused) container.querySelector(`[data-record-id="${CSS.escape(focused)}"]`)?.focus();
}

function groupsOf(entries) {
  const groups = new Map();
  for (const entry of entries.sorted()) {
    const years = entries.yearsOf(entry);
    const key = years ?? dateSpan(entry.occurredOn).start.getFullYear();
    if (!groups.has(key)) groups.set(key, { key, years, year: dateSpan(entry.occurredOn).start.getFullYear(), entries: [] });
    groups.get(key).entries.push(entry);
  }
  return [...groups.values()];
}

function section(group, entries, options) {
  const milestone = group.years !== undefined && isMilestone(group.years);
  const count = `${group.entries.length} ${group.entries.length === 1 ? 'entry' : 'entries'}`;
  const heading =
    group.years !== undefined
      ? h('h3', { class: `list-heading${milestone ? ' is-milestone' : ''}` }, `${ordinal(group.years)} anniversary`,
          h('span', { class: 'list-heading-year' }, ` · ${group.year}`),
          milestone ? h('span', { class: 'milestone-badge' }, '★ milestone') : null,
          h('span', { class: 'list-heading-count' }, count))
      : h('h3', { class: 'list-heading' }, String(group.year), h('span', { class: 'list-heading-count' }, count));
  return h(
    'section',
    { class: 'list-group', 'data-anniversary': group.years ?? null, 'data-milestone': milestone || null },
    heading,
    h('ol', { class: 'list-rows' }, group.entries.map((entry) => h('li', {}, row(entry, entries, options)))),
  );
}

function row(entry, entries, { onOpen, selected }) {
  const info = typeInfo(entry.type);
  const countries = entry.counterparts ?? [];
  return h(
    'button',
    {
      type: 'button',
      class: `entry-row type-${info.slug}${entry.recordId === selected ? ' is-selected' : ''}`,
      'data-record-id': entry.recordId,
      'aria-current': entry.recordId === selected ? 'true' : null,
      on: { click: (event) => onOpen(entry.recordId, event.currentTarget) },
    },
    h('time', { class: 'row-date', datetime: entry.occurredOn }, formatPartialDate(entry.occurredOn)),
    h('span', { class: `type-badge type-${info.slug}` }, info.label),
    h('span', { class: 'row-summary' }, entry.summary),
    countries.length
      ? h('span', { class: 'row-countries' }, entries.view.kind === 'country' ? 'with ' : '',
          countries.map((code) => h('abbr', { class: 'country', title: countryName(code) }, code)))
      : null,
    entry.revision > 0 ? h('span', { class: 'row-corrected' }, 'corrected') : null,
  );
}
