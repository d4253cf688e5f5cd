/**
 * What a lab's tester uses of a node object, declared as data, so that the bridge between the
 * trusted tester and the untrusted submission (see host.ts) is generic: it builds stand-in
 * classes from this description, and nothing else of the submission crosses.
 *
 * Example (Raft): the tester builds `new Raft(ctx, { peers, me })`, subscribes to `apply$` right
 * after construction, and calls `start`, `getState` and `snapshot`:
 * ```ts
 * const raftSurface: NodeSurface = { classes: { Raft: { methods: ['start', 'getState', 'snapshot'], streams: ['apply$'] } } };
 * ```
 * Constructor options, method arguments, return values and stream values must be plain data.
 */
export interface NodeSurface {
  /** Export name of each class the tester constructs as `new C(ctx, options)`. */
  readonly classes: Readonly<Record<string, ClassSurface>>;
}

export interface ClassSurface {
  /** Methods the tester calls; they run synchronously and return plain data. */
  readonly methods: readonly string[];
  /** Observable properties the tester subscribes to (values are plain data). */
  readonly streams: readonly string[];
}

const namePattern = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

/** Checks a surface declaration; throws an error naming the bad entry. */
export function checkSurface(surface: NodeSurface): NodeSurface {
  const classes = Object.entries(surface.classes ?? {});
  if (classes.length === 0) throw new Error('a NodeSurface must declare at least one class');
  for (const [name, declared] of classes) {
    if (!namePattern.test(name)) throw new Error(`NodeSurface: class name ${JSON.stringify(name)} is not an identifier`);
    for (const member of [...declared.methods, ...declared.streams]) {
      if (!namePattern.test(member) || member === 'constructor' || member === '__proto__') {
        throw new Error(`NodeSurface: ${name}.${String(member)} is not a usable member name`);
      }
    }
  }
  return surface;
}
