import { invalidArgument } from '../errors/argument.js';

/** Log levels, numbered as msal-node's so a callback written for it works unchanged. */
export const LogLevel: { readonly Error: 0; readonly Warning: 1; readonly Info: 2; readonly Verbose: 3; readonly Trace: 4 } = {
  Error: 0,
  Warning: 1,
  Info: 2,
  Verbose: 3,
  Trace: 4,
};
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** The logger option, in msal-node's shape: a callback, a level, and a PII switch (off by default). */
export interface LoggerOptions {
  loggerCallback?: (level: LogLevel, message: string, containsPii: boolean) => void;
  logLevel?: LogLevel;
  piiLoggingEnabled?: boolean;
}

const levelNames = ['Error', 'Warning', 'Info', 'Verbose', 'Trace'] as const;

/**
 * Formats and filters log lines. Callers never pass tokens, keys or full certificates: only
 * thumbprints, hosts, codes and timings. Lines that may identify a user or tenant are passed as
 * `pii` and dropped unless PII logging is on.
 */
export class Logger {
  readonly #callback: LoggerOptions['loggerCallback'];
  readonly #level: LogLevel;
  readonly #pii: boolean;
  readonly #component: string;

  constructor(options: LoggerOptions | undefined, component: string) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalidArgument('logger', 'an object', options);
    if (options?.loggerCallback !== undefined && typeof options.loggerCallback !== 'function') {
      throw invalidArgument('logger.loggerCallback', 'a function', options.loggerCallback);
    }
    const level: unknown = options?.logLevel;
    if (level !== undefined && !(Number.isInteger(level) && (level as number) >= LogLevel.Error && (level as number) <= LogLevel.Trace)) {
      throw invalidArgument('logger.logLevel', 'a LogLevel from 0 (Error) to 4 (Trace)', level);
    }
    if (options?.piiLoggingEnabled !== undefined && typeof options.piiLoggingEnabled !== 'boolean') {
      throw invalidArgument('logger.piiLoggingEnabled', 'a boolean', options.piiLoggingEnabled);
    }
    this.#callback = options?.loggerCallback;
    this.#level = options?.logLevel ?? LogLevel.Info;
    this.#pii = options?.piiLoggingEnabled === true;
    this.#component = component;
  }

  enabled(level: LogLevel): boolean {
    return this.#callback !== undefined && level <= this.#level;
  }

  error(message: string, correlationId?: string): void {
    this.#log(LogLevel.Error, message, correlationId, false);
  }
  warning(message: string, correlationId?: string): void {
    this.#log(LogLevel.Warning, message, correlationId, false);
  }
  info(message: string, correlationId?: string): void {
    this.#log(LogLevel.Info, message, correlationId, false);
  }
  verbose(message: string, correlationId?: string): void {
    this.#log(LogLevel.Verbose, message, correlationId, false);
  }
  /** A line that may identify a user, app or tenant; only emitted with piiLoggingEnabled. */
  pii(level: LogLevel, message: string, correlationId?: string): void {
    if (this.#pii) this.#log(level, message, correlationId, true);
  }

  #log(level: LogLevel, message: string, correlationId: string | undefined, containsPii: boolean): void {
    if (!this.enabled(level)) return;
    const line = `[${new Date().toISOString()}] : [${correlationId ?? ''}] : ${this.#component} : ${levelNames[level]} - ${message}`;
    try {
      this.#callback?.(level, line, containsPii);
    } catch {
      // A throwing log callback must not turn a good token request into a failure.
    }
  }
}
