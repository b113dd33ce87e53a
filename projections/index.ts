// The read side's pure code, for the live read models, the rebuild, replay and the CLI.
export * from './record';
export * from './anchor';
export * from './timeline';
export * from './anniversaries';
export * from './replay';
