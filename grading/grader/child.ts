/**
 * The sandboxed grading worker. The grading process copies this file (compiled) into a scratch
 * folder and starts it with Node's permission model (no reads outside the scratch folder, the
 * built runtime and node_modules; writes only to the scratch folder; no child processes, worker
 * threads, inspector or native addons), a heap limit and, where the OS allows, no network.
 *
 * Order matters, and is the security argument:
 *   1. receive `init` (HMAC key, lab, hidden tests and the compiled submission) over IPC;
 *   2. load the runtime, the lab and the hidden tests (closures; their files are not readable);
 *   3. harden: capture what the reporter needs, freeze the intrinsics and the runtime's
 *      modules, block network modules and process exits;
 *   4. only then evaluate the submission, once to report load errors and afresh for each run.
 * Results go back signed with the key, which lives only in this module's closure.
 *
 * A lab that declares its node surface (`Lab.surface`) never has the submission evaluated in
 * this isolate at all: it runs in a guest thread (src/sandbox, its own V8 isolate and heap)
 * behind a bridge that carries plain data, so the tester, the world, the checks and the key
 * are out of its reach by construction. Labs without a surface run in this isolate, hardened
 * as above.
 *
 * Nothing here is imported from src/ at run time except through `init.runtimeRoot` (absolute
 * paths): this file must work copied alone into the scratch folder.
 */
import type { Lab, LabTest, TestFailure, TestOutcome } from 'distlab/testing';
import type { InitMessage, RunMessage, WireLabSource, WireGraph } from './protocol';

/* eslint-disable @typescript-eslint/no-require-imports */
const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
const nodePath = require('node:path') as typeof import('node:path');

type Namespace = Record<string, unknown>;

type BridgeModule = typeof import('distlab/sandbox');

interface Runtime {
  readonly runTest: typeof import('distlab/testing').runTest;
  readonly sandbox: BridgeModule;
  readonly loadLabSource: (source: WireLabSource) => Promise<Lab<unknown>>;
  readonly preloadDistlab: (graph: WireGraph) => Promise<void>;
  readonly evaluateGraph: (graph: WireGraph) => Namespace;
  readonly describeError: (error: unknown) => string;
}

const logLinesMax = 50;
const logLineCharsMax = 500;
const plotBytesMax = 1024 * 1024;

/**
 * The worker's end of the grader's channel: frames (a 4-byte big-endian length, then JSON) on
 * fd 3, written through a socket only this module holds. The same framing as
 * grading/grader/frames.ts, written out here because this file runs copied alone.
 */
const nodeNet = require('node:net') as typeof import('node:net');
const reportChannel = new nodeNet.Socket({ fd: 3, readable: false, writable: true });
function writeFrame(value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  reportChannel.write(Buffer.concat([header, body]));
}
/** Ends the worker when the grading process goes away (captured before process.exit is refused). */
const exitNow = (process as unknown as { reallyExit: (code: number) => never }).reallyExit.bind(process);
const stringify = JSON.stringify;
const createHmac = nodeCrypto.createHmac;
let key: Buffer | null = null;

function sendSigned(body: object): void {
  if (key === null) return;
  const text = stringify(body);
  const signature = createHmac('sha256', key).update(text).digest('hex');
  writeFrame({ body: text, mac: signature });
}

/** The grader's frames on stdin, in order (the grader is trusted: no limit but the heap's). */
function onFrames(deliver: (message: unknown) => void): void {
  let pending = Buffer.alloc(0);
  process.stdin.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      deliver(JSON.parse(pending.subarray(4, 4 + length).toString('utf8')) as unknown);
      pending = pending.subarray(4 + length);
    }
  });
  // The grading process closed the channel or died: nothing left to do.
  process.stdin.on('end', () => exitNow(1));
  process.stdin.on('error', () => exitNow(1));
}

/**
 * Native addons stay disabled in the sandbox (an addon could undo the permission model), so the
 * runtime's optional native dependencies are replaced by stubs that throw if used. The worker
 * never renders PNGs: plots travel to the grading process as Vega-Lite specs.
 */
const nativePackages = ['@resvg/resvg-js', 'zeromq'];

function stubNativePackages(root: string): void {
  const Module = require('node:module') as unknown as new (id: string) => { exports: unknown; loaded: boolean; filename: string };
  for (const name of nativePackages) {
    let resolved: string;
    try {
      resolved = require.resolve(name, { paths: [root] });
    } catch {
      continue;
    }
    const stub = new Module(resolved);
    stub.filename = resolved;
    stub.loaded = true;
    stub.exports = new Proxy({}, {
      get: (_target, property) => {
        if (property === '__esModule') return false;
        return function unavailable(): never {
          throw new Error(`${name} (a native addon) is not available while grading`);
        };
      },
    });
    (require.cache as Record<string, unknown>)[resolved] = stub;
  }
}

function loadRuntime(root: string): Runtime {
  stubNativePackages(root);
  const runTestModule = require(nodePath.join(root, 'testing', 'run-test.js')) as typeof import('distlab/testing');
  const graphModule = require(nodePath.join(root, 'testing', 'module-graph.js')) as typeof import('distlab/testing');
  const labSource = require(nodePath.join(root, 'testing', 'lab-source.js')) as typeof import('distlab/testing');
  require(nodePath.join(root, 'index.js'));
  require(nodePath.join(root, 'testing', 'index.js'));
  return {
    runTest: runTestModule.runTest,
    sandbox: require(nodePath.join(root, 'sandbox', 'index.js')) as BridgeModule,
    loadLabSource: labSource.loadLabSource as Runtime['loadLabSource'],
    preloadDistlab: graphModule.preloadDistlab,
    evaluateGraph: graphModule.evaluateGraph,
    describeError: graphModule.describeError,
  };
}

const blockedModules = ['child_process', 'cluster', 'worker_threads', 'inspector', 'v8', 'vm', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'module', 'repl', 'trace_events', 'wasi'];

/** Step 3: everything the submission could use to escape or to lie. */
function harden(runtimeRoot: string, frozenValues: readonly unknown[], processMethods: readonly string[]): void {
  blockNetwork();
  refuseProcessControl(processMethods);
  refuseModules();
  // The runtime's own modules and the lab: frozen so a submission cannot patch the checks.
  for (const [file, cached] of Object.entries(require.cache)) {
    if (cached !== undefined && file.startsWith(runtimeRoot)) deepFreeze(cached.exports, 2);
  }
  for (const value of frozenValues) deepFreeze(value, 3);
  freezeIntrinsics();
}

function refuse(what: string): () => never {
  return () => {
    throw new Error(`${what} is not allowed while grading: the autograder runs your code in a sandbox`);
  };
}

/** Network entry points (the network namespace, where available, is the first layer). */
function blockNetwork(): void {
  // Node's own modules subclass net.Socket (stdio pipes, tty): patch entry points, not classes.
  void process.stdout;
  void process.stderr;
  const entryPoints: Readonly<Record<string, readonly string[]>> = {
    net: ['connect', 'createConnection', 'createServer'],
    tls: ['connect', 'createServer'],
    http: ['request', 'get', 'createServer'],
    https: ['request', 'get', 'createServer'],
    http2: ['connect', 'createServer', 'createSecureServer'],
    dgram: ['createSocket'],
    dns: ['lookup', 'resolve', 'resolve4', 'resolve6'],
  };
  for (const [name, functions] of Object.entries(entryPoints)) {
    const module = require(`node:${name}`) as Namespace;
    for (const property of functions) {
      try {
        Object.defineProperty(module, property, { value: refuse(`${name}.${property}`), writable: false, configurable: false });
      } catch {
        /* read-only export */
      }
    }
  }
  const net = require('node:net') as { Socket: { prototype: object }; Server: { prototype: object } };
  Object.defineProperty(net.Socket.prototype, 'connect', { value: refuse('net.Socket.connect'), writable: false, configurable: false });
  Object.defineProperty(net.Server.prototype, 'listen', { value: refuse('net.Server.listen'), writable: false, configurable: false });
  const dgram = require('node:dgram') as { Socket: { prototype: object } };
  for (const method of ['bind', 'send', 'connect']) {
    Object.defineProperty(dgram.Socket.prototype, method, { value: refuse(`dgram.Socket.${method}`), writable: false, configurable: false });
  }
  for (const name of ['fetch', 'WebSocket', 'EventSource']) {
    try {
      Object.defineProperty(globalThis, name, { value: refuse(name), writable: false, configurable: false });
    } catch {
      /* absent */
    }
  }
}

/** Exits, signals, bindings, addons: the guest's list (src/sandbox/guest-lockdown.ts). */
function refuseProcessControl(names: readonly string[]): void {
  const processRecord = process as unknown as Namespace;
  for (const name of names) {
    try {
      Object.defineProperty(processRecord, name, { value: refuse(`process.${name}`), writable: false, configurable: false });
    } catch {
      /* not configurable in this Node */
    }
  }
}

/** `require` of modules a submission has no use for (the permission model denies most anyway). */
function refuseModules(): void {
  const Module = require('node:module') as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const blocked = new Set(blockedModules.flatMap((name) => [name, `node:${name}`]));
  Object.defineProperty(Module, '_load', {
    value(request: string, ...rest: unknown[]) {
      // `dns/promises`, `node:net/...`: a subpath of a refused module is refused too.
      const base = typeof request === 'string' ? request.replace(/^node:/, '').split('/')[0] ?? '' : '';
      if (blocked.has(request) || blocked.has(base)) throw new Error(`require('${request}') is not allowed while grading: the autograder runs your code in a sandbox`);
      return load.call(this, request, ...rest);
    },
    writable: false,
    configurable: false,
  });
}

const intrinsicNames = [
  'Object', 'Function', 'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt',
  'RegExp', 'Date', 'JSON', 'Math', 'Reflect', 'ArrayBuffer', 'Uint8Array', 'Buffer', 'Proxy',
] as const;

/** The intrinsics the runtime and the checks lean on, their global bindings, and the HMAC's prototypes. */
function freezeIntrinsics(): void {
  const intrinsics: unknown[] = intrinsicNames.map((name) => (globalThis as unknown as Namespace)[name]);
  // The global bindings too: a frozen Map does not stop `globalThis.Map = Fake`, which every
  // later `new Map()` in the runtime and the checks would then use (issue 17).
  const globals = globalThis as unknown as Namespace;
  for (const name of [...intrinsicNames, 'Error', 'TypeError', 'RangeError', 'globalThis']) {
    Object.defineProperty(globals, name, { value: globals[name], writable: false, configurable: false });
  }
  // Error constructors stay writable (libraries set Error.stackTraceLimit and prepareStackTrace).
  for (const intrinsic of intrinsics) {
    Object.freeze(intrinsic);
    const prototype = (intrinsic as { prototype?: unknown }).prototype;
    if (prototype !== undefined) Object.freeze(prototype);
  }
  const typedArray = Object.getPrototypeOf(Uint8Array) as { prototype: object };
  Object.freeze(typedArray);
  Object.freeze(typedArray.prototype);
  const hmac = createHmac('sha256', 'k');
  for (let prototype = Object.getPrototypeOf(hmac) as object | null; prototype !== null && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype) as object | null) {
    Object.freeze(prototype);
  }
  Object.freeze(nodeCrypto);
}

function deepFreeze(value: unknown, depth: number): void {
  if (depth < 0 || value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (Object.isFrozen(value)) return;
  // zod schemas define their methods lazily on first use: frozen, they throw.
  if ((value as { _zod?: unknown })._zod !== undefined) return;
  Object.freeze(value);
  if (typeof value === 'function' && typeof (value as { prototype?: unknown }).prototype === 'object') {
    deepFreeze((value as { prototype: unknown }).prototype, depth - 1);
  }
  for (const name of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name);
    if (descriptor !== undefined && 'value' in descriptor) deepFreeze(descriptor.value, depth - 1);
  }
}

function capLog(log: readonly string[]): string[] {
  const kept = log.slice(0, logLinesMax).map((line) => (line.length > logLineCharsMax ? `${line.slice(0, logLineCharsMax)}...` : line));
  if (log.length > logLinesMax) kept.push(`... ${log.length - logLinesMax} more lines`);
  return kept;
}

interface Session {
  readonly runtime: Runtime;
  readonly lab: Lab<unknown>;
  readonly tests: ReadonlyMap<string, LabTest<unknown>>;
  readonly init: InitMessage;
  /** The guest thread running the submission, for labs that declare their surface. */
  readonly bridge: InstanceType<BridgeModule['Bridge']> | null;
}

/** Guest output kept per run (the rest is dropped: a guest may print without end). */
const guestOutputCharsMax = 4000;
let guestOutputChars = 0;

function guestOutput(text: string): void {
  if (guestOutputChars >= guestOutputCharsMax) return;
  const kept = text.slice(0, guestOutputCharsMax - guestOutputChars);
  guestOutputChars += kept.length;
  process.stdout.write(kept);
}

/** The guest thread's limits for a run (or for loading): exactly the grader's, so the run says why it stopped. */
function guestBudget(init: InitMessage, startup: boolean) {
  const wallSentence = startup ? init.sentences.startupWall : init.sentences.runWall;
  return {
    cpuMs: startup ? init.startupCpuMs : init.cpuMsPerRun,
    wallMs: startup ? init.startupWallMs : init.wallMsPerRun,
    cpuReason: startup ? init.sentences.startupCpu : init.sentences.runCpu,
    wallReason: (cpuMs: number) => wallSentence.replace('{cpu}', (cpuMs / 1000).toFixed(1)),
  };
}

function failedOutcome(session: Session, message: RunMessage, test: LabTest<unknown> | undefined, failure: string): TestOutcome {
  return {
    lab: session.lab.name,
    name: message.test,
    part: test?.part ?? '?',
    seed: message.seed,
    passed: false,
    kind: 'crash',
    virtualMs: 0,
    wallMs: 0,
    peers: 0,
    rpcs: 0,
    bytes: 0,
    ops: 0,
    traceHash: '00000000',
    events: 0,
    failure,
    log: [],
  };
}

/** A fresh implementation for one run: evaluated in the guest when there is one, else here. */
async function implementation(session: Session, seed: number): Promise<unknown> {
  guestOutputChars = 0;
  const exports = session.bridge === null ? session.runtime.evaluateGraph(session.init.submission.graph) : session.bridge.fresh(seed, guestBudget(session.init, false));
  return session.lab.implementationFrom(exports);
}

async function runOne(session: Session, message: RunMessage): Promise<void> {
  const test = session.tests.get(`${message.hidden ? 'hidden' : 'public'}:${message.test}`);
  if (test === undefined) {
    sendSigned({ type: 'outcome', id: message.id, outcome: failedOutcome(session, message, test, `no test named ${message.test}`), plots: [] });
    return;
  }
  let impl: unknown;
  try {
    impl = await implementation(session, message.seed);
  } catch (error) {
    const failure = `the submission could not be loaded for this run: ${session.runtime.describeError(error)}`;
    sendSigned({ type: 'outcome', id: message.id, outcome: failedOutcome(session, message, test, failure), plots: [] });
    return;
  }
  const eventsMax = Math.min(test.world?.eventsMax ?? Infinity, session.init.eventsMax);
  const limited: LabTest<unknown> = { ...test, world: { ...test.world, eventsMax }, run: (t) => test.run(t) };
  const { outcome, world, failure } = await session.runtime.runTest(session.lab, limited, impl, message.seed);
  const plots: Array<{ title: string; spec: unknown }> = [];
  if (!outcome.passed && message.plots && session.lab.plots !== undefined) {
    try {
      for (const plot of session.lab.plots(world, failure as TestFailure | null)) {
        const text = stringify(plot.spec);
        if (text.length <= plotBytesMax) plots.push({ title: String(plot.title), spec: JSON.parse(text) as unknown });
      }
    } catch {
      /* plots are a courtesy: a run whose plots throw still reports */
    }
  }
  // Stopped by the wall-clock safety net, not by the code's own CPU time: not graded.
  const infrastructure = !outcome.passed && session.bridge?.stoppedBy === 'wall';
  const reported = infrastructure ? { ...outcome, failure: session.bridge?.problem ?? 'not graded', log: [] } : { ...outcome, log: capLog(outcome.log) };
  sendSigned({ type: 'outcome', id: message.id, outcome: reported, plots: plots.slice(0, 10), ...(infrastructure ? { infrastructure: true } : {}) });
  session.bridge?.prepare();
}

async function start(init: InitMessage): Promise<Session> {
  // Buffer.alloc, never Buffer.from: a small Buffer.from lands in Node's shared 8 KB pool, which
  // any code in this isolate can read through Buffer.allocUnsafe(1).buffer (issue 17).
  const secret = Buffer.alloc(32);
  secret.write(init.key, 'hex');
  key = secret;
  const runtime = loadRuntime(init.runtimeRoot);
  const lab = await runtime.loadLabSource(init.lab);
  const tests = new Map<string, LabTest<unknown>>();
  for (const test of lab.tests) tests.set(`public:${test.name}`, test);
  if (init.hidden !== null) {
    await runtime.preloadDistlab(init.hidden);
    const exported = runtime.evaluateGraph(init.hidden);
    const hidden = (exported.hiddenTests ?? exported.default) as ReadonlyArray<LabTest<unknown>> | undefined;
    for (const test of hidden ?? []) tests.set(`hidden:${test.name}`, test);
  }
  const surface = init.isolation === 'bridge' ? lab.surface : undefined;
  const bridge = surface === undefined
    ? null
    : new runtime.sandbox.Bridge({
        surface,
        graph: init.submission.graph,
        guestFile: nodePath.join(init.runtimeRoot, 'sandbox', 'guest-worker.js'),
        heapMb: init.memoryMb,
        onOutput: guestOutput,
      });
  if (bridge === null) {
    // The submission will run in this isolate: close it first. Behind the bridge nothing
    // untrusted runs here, and freezing would only get in the way of restarting the guest.
    await runtime.preloadDistlab(init.submission.graph);
    harden(init.runtimeRoot, [lab, [...tests.values()]], runtime.sandbox.refusedProcessMethods);
  }
  return { runtime, lab, tests, init, bridge };
}

function main(): void {
  let session: Promise<Session> | null = null;
  let queue: Promise<void> = Promise.resolve();
  process.on('uncaughtException', (error) => {
    process.stderr.write(`uncaught exception outside the simulation: ${String(error)}\n`);
  });
  process.on('unhandledRejection', (error) => {
    process.stderr.write(`unhandled rejection outside the simulation: ${String(error)}\n`);
  });
  onFrames((raw: unknown) => {
    const message = raw as InitMessage | RunMessage;
    if (message.type === 'init') {
      if (session !== null) return;
      session = start(message);
      session.then(
        async (ready) => {
          try {
            const exports = ready.bridge === null ? ready.runtime.evaluateGraph(ready.init.submission.graph) : ready.bridge.fresh(0, guestBudget(ready.init, true));
            ready.lab.implementationFrom(exports);
            sendSigned({ type: 'ready', exports: Object.keys(exports).slice(0, 200) });
          } catch (error) {
            // Stopped by the wall-clock safety net while loading: the machine, not the code (the grader retries).
            const problem = ready.bridge?.stoppedBy === 'wall' ? 'infrastructure' : 'import';
            sendSigned({ type: 'load-error', problem, message: (problem === 'infrastructure' ? ready.bridge?.problem ?? 'not graded' : ready.runtime.describeError(error)).slice(0, 8000) });
          }
        },
        (error: unknown) => {
          const resource = (error as { resource?: unknown } | null)?.resource;
          const where = typeof resource === 'string' ? ` (reading ${resource})` : '';
          sendSigned({ type: 'load-error', problem: 'grader', message: `the grading worker could not start: ${String(error)}${where}`.slice(0, 8000) });
        },
      );
      return;
    }
    if (message.type === 'run' && session !== null) {
      const current = session;
      queue = queue.then(async () => runOne(await current, message)).catch((error: unknown) => {
        process.stderr.write(`grader worker error: ${String(error)}\n`);
      });
    }
  });
}

main();
