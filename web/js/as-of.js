// The "as of" control: a slider over the archive's span in time (from its first recorded event
// to now) and a date-time input for an exact moment. Its right end is now, which is the live view.
// Dragging re-queries as the thumb moves; one drag is one step in the browser's history.

import { formatInstant, fromLocalInputValue, toLocalInputValue } from './dates.js';

const STEPS = 1000;
const DRAG_QUERY_MS = 150;
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export class AsOfControl {
  /** onChange(asOf | undefined, {replace}): `replace` when the change continues a drag already in history. */
  constructor({ slider, input, nowButton, readout }, { onChange }) {
    Object.assign(this, { slider, input, nowButton, readout, onChange });
    this.first = undefined;
    this.dragging = false;
    slider.addEventListener('input', () => this.dragged());
    slider.addEventListener('change', () => this.released());
    input.addEventListener('change', () => this.emit(this.inputAsOf(), { replace: false }));
    nowButton.addEventListener('click', () => this.emit(undefined, { replace: false }));
  }

  /** The archive's first recorded moment; without one (an empty archive) only the input works. */
  setSpan(firstRecordedAt) {
    this.first = firstRecordedAt ? Date.parse(firstRecordedAt) : undefined;
    this.slider.disabled = this.first === undefined;
    this.show(this.asOf);
  }

  /** Reflects the page's state, without emitting. */
  show(asOf) {
    this.asOf = asOf;
    this.slider.value = String(this.stepOf(asOf));
    this.slider.setAttribute('aria-valuetext', this.describe(asOf));
    this.input.value = asOf ? toLocalInputValue(asOf) : '';
    this.input.max = toLocalInputValue(new Date().toISOString());
    this.nowButton.disabled = !asOf;
    this.readout.textContent = this.describe(asOf);
    document.body.classList.toggle('is-past', Boolean(asOf));
  }

  describe(asOf) {
    if (!asOf) return 'Now, live';
    const days = (Date.parse(asOf) - Date.now()) / 86_400_000;
    const relative = Math.abs(days) >= 1 ? RELATIVE.format(Math.round(days), 'day') : RELATIVE.format(Math.round(days * 24), 'hour');
    return `The archive as it stood on ${formatInstant(asOf)} (${relative})`;
  }

  dragged() {
    const asOf = this.valueAsOf();
    this.readout.textContent = this.describe(asOf);
    this.slider.setAttribute('aria-valuetext', this.describe(asOf));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.emit(asOf, { replace: this.dragging });
      this.dragging = true;
    }, DRAG_QUERY_MS);
  }

  released() {
    clearTimeout(this.timer);
    const replace = this.dragging;
    this.dragging = false;
    this.emit(this.valueAsOf(), { replace });
  }

  emit(asOf, { replace }) {
    if (asOf === this.asOf) return;
    this.show(asOf);
    this.onChange(asOf, { replace });
  }

  // "Now" keeps moving, so the slider's right end is read afresh each time.
  valueAsOf() {
    const step = Number(this.slider.value);
    if (this.first === undefined || step >= STEPS) return undefined;
    return new Date(this.first + ((Date.now() - this.first) * step) / STEPS).toISOString();
  }

  stepOf(asOf) {
    if (!asOf || this.first === undefined) return STEPS;
    const now = Date.now();
    if (now <= this.first) return STEPS;
    return Math.max(0, Math.min(STEPS - 1, Math.round(((Date.parse(asOf) - this.first) / (now - this.first)) * STEPS)));
  }

  inputAsOf() {
    const asOf = fromLocalInputValue(this.input.value);
    return asOf && Date.parse(asOf) < Date.now() ? asOf : undefined; // the future is now
  }
}
