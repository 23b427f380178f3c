import type { Io } from './output.js';

/** Progress of a multi-step flow on stderr (stdout stays for the result, so --json output is clean). */
export interface Progress {
  /** A step starts (the previous one, if any, has ended). */
  step(name: string): void;
  /** The flow ended; `ok` false marks the step that was running as failed. */
  finish(ok: boolean): void;
  /** A line for stderr (a --verbose log line) that must not run into the rewritten progress line. */
  line(text: string): void;
}

/** How often the terminal line's elapsed time is redrawn. */
const redrawMs = 100;
const clearLine = '\r\x1b[2K';

/**
 * On a terminal, one line rewritten in place: the current step and its elapsed milliseconds,
 * erased at the end. Elsewhere (a pipe, a log file, CI), a plain line per step as it ends,
 * `step: metadata 12 ms`, which greps and diffs well.
 */
export function createProgress(io: Io, now: () => number = () => performance.now()): Progress {
  const tty = io.errTty === true && io.errWrite !== undefined;
  let current: { name: string; startedAt: number } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const elapsed = (): number => Math.round(now() - (current?.startedAt ?? now()));
  const draw = (): void => {
    if (current !== undefined) io.errWrite?.(`${clearLine}msal-mtls: ${current.name} ${elapsed()} ms`);
  };
  const end = (failed: boolean): void => {
    if (current === undefined || tty) return;
    io.err(`step: ${current.name} ${elapsed()} ms${failed ? ' (failed)' : ''}`);
  };

  return {
    step(name) {
      end(false);
      current = { name, startedAt: now() };
      if (!tty) return;
      draw();
      if (timer === undefined) {
        timer = setInterval(draw, redrawMs);
        timer.unref(); // never keeps the process alive
      }
    },
    finish(ok) {
      end(!ok);
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (tty && current !== undefined) io.errWrite?.(clearLine);
      current = undefined;
    },
    line(text) {
      if (tty && current !== undefined) io.errWrite?.(clearLine);
      io.err(text);
      if (tty) draw();
    },
  };
}
