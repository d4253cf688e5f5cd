/**
 * The adversarial catalogue: submissions (for the counter fixture lab, where runs take
 * milliseconds) that attack the grader instead of solving the lab, and what the grader must do
 * with each. Every one must get no credit for what it broke, a sentence saying what happened,
 * and a valid results.json. `__GRADING_ROOT__` in a file is replaced by the checkout's path.
 *
 * `scoreMax` is the most the submission may get: 0, or 7 when the attack sits on top of an
 * honest counter that forgets on restart (which earns the public tests' 7 points, no more).
 */
export interface Adversary {
  readonly file: string;
  readonly attack: string;
  readonly scoreMax: number;
  /** What the results must say (top-level output or some test's output). */
  readonly message: RegExp;
  /** What results.json must never contain (text the submission chose for a hidden test). */
  readonly forbidden?: RegExp;
  /**
   * `in-process`: the attack runs in the grading worker's own isolate, as labs without a node
   * surface are graded; default: behind the bridge, in a guest thread.
   */
  readonly isolation?: 'in-process';
}

const honest = /safety property this hidden scenario checks was violated/;
const channel = /interfered with the grader's channel/;

export const adversaries: readonly Adversary[] = [
  { file: 'loop-forever.ts', attack: 'an RPC handler that never returns', scoreMax: 0, message: /used more than \d+(\.\d+)? s of CPU time/ },
  { file: 'loop-forever.ts', attack: 'the same loop in the worker isolate (the grader kills the worker)', scoreMax: 0, message: /used more than \d+(\.\d+)? s of CPU time/, isolation: 'in-process' },
  { file: 'loop-at-import.ts', attack: 'a top-level infinite loop', scoreMax: 0, message: /loading your code used more than \d+(\.\d+)? s of CPU time/ },
  { file: 'allocate.ts', attack: 'unbounded allocation', scoreMax: 0, message: /ran out of memory|used more than \d+(\.\d+)? s of CPU time/ },
  { file: 'exit-zero.ts', attack: 'process.exit(0)', scoreMax: 0, message: /process\.exit is not allowed/ },
  { file: 'really-exit.ts', attack: 'process.reallyExit and process.kill', scoreMax: 0, message: /process\.(reallyExit|kill) is not allowed/ },
  { file: 'throw-at-import.ts', attack: 'throws at import', scoreMax: 0, message: /threw while loading.*boom at import/s },
  { file: 'read-hidden.ts', attack: 'reads hidden tests, configs and the reference from disk', scoreMax: 0, message: /require\('node:fs'\) is not allowed|refused .*hidden\.ts: ERR_ACCESS_DENIED.*refused .*raft\.ts: ERR_ACCESS_DENIED/s },
  { file: 'write-files.ts', attack: 'writes files and plants a symlink', scoreMax: 0, message: /require\('node:fs'\) is not allowed|refused write in the working folder: ERR_ACCESS_DENIED.*refused write in \/tmp: ERR_ACCESS_DENIED.*refused symlink to the checkout: ERR_ACCESS_DENIED/s },
  { file: 'import-reference.ts', attack: 'imports the reference solution by path', scoreMax: 0, message: /Cannot find module|ERR_ACCESS_DENIED|Access to this API has been restricted|outside its own folder/ },
  { file: 'spawn-process.ts', attack: 'spawns a shell', scoreMax: 0, message: /child_process.*not allowed|ERR_ACCESS_DENIED|Access to this API has been restricted/ },
  { file: 'open-socket.ts', attack: 'opens a TCP socket and calls fetch', scoreMax: 0, message: /net\.connect is not allowed|require\('node:net'\) is not allowed/ },
  { file: 'fake-output.ts', attack: 'prints passing lines and forges IPC outcomes', scoreMax: 7, message: /interfered with the grader's channel|safety property this hidden scenario checks was violated/ },
  { file: 'patch-globals.ts', attack: 'patches intrinsics, the runtime and the harness', scoreMax: 7, message: /safety property this hidden scenario checks was violated/ },
  { file: 'leak-message.ts', attack: 'throws a message of its choosing in the hidden scenario only', scoreMax: 7, message: /your code threw, or the run could not go on, during this hidden scenario/, forbidden: /LEAKED-SCENARIO/ },
  { file: 'leak-output.ts', attack: 'prints and logs what it learned in the hidden scenario only', scoreMax: 7, message: honest, forbidden: /LEAKED-OUTPUT/ },
  { file: 'escape-hatches.ts', attack: 'getBuiltinModule, process.binding, V8 flags, process._kill', scoreMax: 7, message: honest },
  { file: 'escape-hatches.ts', attack: 'the same escape hatches in the worker isolate', scoreMax: 7, message: honest, isolation: 'in-process' },
  { file: 'dns-resolver.ts', attack: 'dns.Resolver and dns/promises', scoreMax: 7, message: honest },
  { file: 'dns-resolver.ts', attack: 'dns.Resolver and dns/promises in the worker isolate', scoreMax: 7, message: honest, isolation: 'in-process' },
  { file: 'garbage-frame.ts', attack: 'a frame header announcing 4 GB on the grader channel', scoreMax: 0, message: channel, isolation: 'in-process' },
  { file: 'garbage-json.ts', attack: 'a frame that is not JSON on the grader channel', scoreMax: 0, message: channel, isolation: 'in-process' },
  { file: 'kill-signals.ts', attack: 'signals its group, every process of its user and the grader', scoreMax: 7, message: honest },
  { file: 'kill-signals.ts', attack: 'the same signals from the worker isolate', scoreMax: 7, message: honest, isolation: 'in-process' },
  { file: 'buffer-memory.ts', attack: '1.5 GB of Buffers, outside the heap limit', scoreMax: 7, message: /safety property|ran out of memory|allocation failed/ },
  { file: 'buffer-memory.ts', attack: '1.5 GB of Buffers in the worker isolate', scoreMax: 7, message: /safety property|ran out of memory|allocation failed/, isolation: 'in-process' },
  { file: 'replace-globals.ts', attack: 'replaces global bindings (Map, Promise, JSON, ...) in the worker isolate', scoreMax: 7, message: honest, isolation: 'in-process' },
  { file: 'flood-output.ts', attack: 'floods standard output and error', scoreMax: 7, message: honest },
];
