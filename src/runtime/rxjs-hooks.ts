import { config } from 'rxjs';
// RxJS reports errors thrown in subscribers through these providers, on a real timer. During a
// world step we redirect them so such errors surface synchronously, attributed to the node that
// is running, and so a forgotten `ctx.scheduler` fails loudly instead of using real time.
import { timeoutProvider } from 'rxjs/internal/scheduler/timeoutProvider';
import { intervalProvider } from 'rxjs/internal/scheduler/intervalProvider';
import { UsageError } from './errors';

type ErrorSink = (error: unknown) => void;

let activeSink: ErrorSink | null = null;
let installed = false;

const synchronousTimeouts = {
  setTimeout(handler: (...args: unknown[]) => void, _timeout?: number, ...args: unknown[]) { // tidy: allowed (replaces RxJS's real timer)
    handler(...args);
    return 0 as unknown as ReturnType<typeof setTimeout>;
  },
  clearTimeout() {},
};

const forbiddenIntervals = {
  setInterval(): ReturnType<typeof setInterval> { // tidy: allowed (forbids RxJS's real interval)
    throw new UsageError(
      'an RxJS operator used the real-time asyncScheduler inside a simulated node. ' +
        'Pass ctx.scheduler to every timed operator: timer(ms, ctx.scheduler), delay(ms, ctx.scheduler), ' +
        'timeout({ each: ms, scheduler: ctx.scheduler }), debounceTime(ms, ctx.scheduler).',
    );
  },
  clearInterval() {},
};

function install(): void {
  if (installed) return;
  installed = true;
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error: unknown) => {
    if (activeSink !== null) activeSink(error);
    else if (previous) previous(error);
    else throw error;
  };
}

/** Runs `body` with RxJS's error reporting routed to `sink` and real-time intervals forbidden. */
export function withRxjsRedirect<T>(sink: ErrorSink, body: () => T): T {
  install();
  const previousSink = activeSink;
  const previousTimeouts = timeoutProvider.delegate;
  const previousIntervals = intervalProvider.delegate;
  activeSink = sink;
  timeoutProvider.delegate = synchronousTimeouts as unknown as typeof timeoutProvider.delegate;
  intervalProvider.delegate = forbiddenIntervals as unknown as typeof intervalProvider.delegate;
  try {
    return body();
  } finally {
    activeSink = previousSink;
    timeoutProvider.delegate = previousTimeouts;
    intervalProvider.delegate = previousIntervals;
  }
}
