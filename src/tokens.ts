// Injection tokens for the things NestJS cannot find by class.
export const CONFIG = Symbol('annals:config');
export const EVENT_STORE = Symbol('annals:event-store');
export const CLOCK = Symbol('annals:clock');

/** The clock the shell reads; the pure core never does. */
export type Clock = () => Date;
