/**
 * RPC round trips between 5 nodes through the full runtime (network fate, codec, scheduler,
 * trace) against the same number of deliveries through a bare priority-queue event loop in plain
 * JS. Both run closed loops: each of the 5 nodes keeps one call outstanding to its neighbour.
 */
import { World, type NodeContext } from '../src/index';
import { measureRate, result, type Benchmark } from './harness';

const nodes = ['n0', 'n1', 'n2', 'n3', 'n4'];
const roundTripsPerRun = 20_000;

async function runtimeRoundTrips(style: 'rxjs' | 'async', traceTimers = true): Promise<number> {
  const world = new World({ seed: 1, reporter: null, traceTimers, network: { latency: { msMin: 1, msMax: 1 } } });
  let completed = 0;
  const perNode = roundTripsPerRun / nodes.length;
  nodes.forEach((id, index) => {
    const peer = nodes[(index + 1) % nodes.length] as string;
    world.addNode(id, (ctx: NodeContext) => {
      ctx.serve('Append', (args: { term: number; index: number }) => ({ term: args.term, success: true }));
      if (style === 'rxjs') {
        let sent = 0;
        const next = (): void => {
          if (sent++ >= perNode) return;
          ctx.call$('n' + ((index + 1) % nodes.length), 'Append', { term: 1, index: sent }).subscribe(() => {
            completed++;
            next();
          });
        };
        next();
      } else {
        void (async () => {
          for (let sent = 0; sent < perNode; sent++) {
            await ctx.call(peer, 'Append', { term: 1, index: sent });
            completed++;
          }
        })();
      }
      return {};
    });
  });
  await world.runFor(10_000_000);
  if (completed !== roundTripsPerRun) throw new Error(`runtime bench: ${completed} of ${roundTripsPerRun} round trips completed`);
  return completed;
}

/** The baseline: a binary heap of timed deliveries and a handler call per delivery, nothing else. */
function bareRoundTrips(): number {
  type Delivery = { at: number; seq: number; target: number; reply: boolean; payload: { term: number; index: number } };
  const heap: Delivery[] = [];
  let seq = 0;
  const push = (delivery: Delivery) => {
    heap.push(delivery);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const a = heap[index] as Delivery;
      const b = heap[parent] as Delivery;
      if (b.at < a.at || (b.at === a.at && b.seq < a.seq)) break;
      heap[index] = b;
      heap[parent] = a;
      index = parent;
    }
  };
  const pop = (): Delivery | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && earlier(heap[left] as Delivery, heap[smallest] as Delivery)) smallest = left;
        if (right < heap.length && earlier(heap[right] as Delivery, heap[smallest] as Delivery)) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest] as Delivery, heap[index] as Delivery];
        index = smallest;
      }
    }
    return top;
  };
  const earlier = (a: Delivery, b: Delivery) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const sent = new Array<number>(nodes.length).fill(0);
  const perNode = roundTripsPerRun / nodes.length;
  let now = 0;
  let completed = 0;
  const send = (from: number) => {
    if (sent[from]!++ >= perNode) return;
    push({ at: now + 1, seq: seq++, target: (from + 1) % nodes.length, reply: false, payload: { term: 1, index: sent[from]! } });
  };
  nodes.forEach((_, index) => send(index));
  for (let delivery = pop(); delivery !== undefined; delivery = pop()) {
    now = delivery.at;
    if (delivery.reply) {
      completed++;
      send(delivery.target);
    } else {
      push({ at: now + 1, seq: seq++, target: (delivery.target + nodes.length - 1) % nodes.length, reply: true, payload: { term: delivery.payload.term, index: 0 } });
    }
  }
  return completed;
}

function runtimeBenchmark(name: string, style: 'rxjs' | 'async', traceTimers: boolean): Benchmark {
  return {
    name,
    baseline: 'bare priority-queue event loop, same deliveries',
    async run() {
      const options = { minMs: 1_500, warmupRuns: 1 };
      const baseline = await measureRate(bareRoundTrips, options);
      const subject = await measureRate(() => runtimeRoundTrips(style, traceTimers), options);
      return result(name, subject, baseline, { unit: 'RPC round trips', nodes: nodes.length });
    },
  };
}

export const runtimeBenchmarks: Benchmark[] = [
  runtimeBenchmark('runtime: RPC round trips, RxJS handlers (call$)', 'rxjs', true),
  runtimeBenchmark('runtime: RPC round trips, async/await (call)', 'async', true),
];
