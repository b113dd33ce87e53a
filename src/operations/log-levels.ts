// pino's log levels, apart from the logging itself: the configuration names them, and the command
// line reads the configuration without starting a logger (which would load NestJS and pino).

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
