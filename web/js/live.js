// The live stream of one timeline: Server-Sent Events of `entry` changes, resumed after the last
// position seen. The page reconnects itself rather than leaving it to EventSource, because the
// browser would reconnect to the first URL, whose ?after= would replay from the page load again.

import { liveUrl } from './api.js';

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;

export class LiveFeed {
  /** onChange({change, entry}) for each message; onStatus('connecting' | 'live' | 'retrying' | 'off'). */
  constructor({ onChange, onStatus }) {
    this.onChange = onChange;
    this.onStatus = onStatus;
    this.source = undefined;
    this.timer = undefined;
  }

  /** Follows a view's changes after `after`, the position its snapshot was read at. */
  start(view, after) {
    this.stop();
    this.view = view;
    this.after = after;
    this.retryMs = FIRST_RETRY_MS;
    this.connect();
  }

  stop() {
    clearTimeout(this.timer);
    this.source?.close();
    this.source = undefined;
    this.view = undefined;
    this.onStatus('off');
  }

  connect() {
    const source = new EventSource(liveUrl(this.view, this.after));
    this.source = source;
    this.onStatus('connecting');
    source.addEventListener('open', () => {
      this.retryMs = FIRST_RETRY_MS;
      this.onStatus('live');
    });
    source.addEventListener('entry', (event) => this.receive(event));
    source.addEventListener('error', () => this.retryLater(source));
  }

  receive(event) {
    this.onStatus('live'); // a message proves it, should the open event have been missed
    if (event.lastEventId) this.after = event.lastEventId;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return; // not a change this page understands; the next one will be
    }
    if (message?.entry?.recordId) this.onChange(message);
  }

  retryLater(source) {
    if (source !== this.source) return; // an old stream's last gasp
    source.close();
    this.onStatus('retrying');
    this.timer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, LONGEST_RETRY_MS);
  }
}
