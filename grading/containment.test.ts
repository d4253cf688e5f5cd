/**
 * The OS containment of grading workers (grading/grader/containment.ts), checked from inside a
 * contained process: another user, no network, its own PID namespace, a memory limit that
 * Buffers cannot pass. On a machine without namespaces the grader must refuse, unless told
 * `insecure`.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { containment, ContainmentUnavailableError, processMemoryMb } from './grader/containment';

const heapMb = 64;

function insideContainment(script: string): { status: number | null; stdout: string; stderr: string } {
  const prefix = containment({ insecure: false, memoryMb: heapMb }).prefix;
  const command = [...prefix, process.execPath, '-e', script];
  const result = spawnSync(command[0] ?? 'setpriv', command.slice(1), { encoding: 'utf8', cwd: '/', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let available = true;
try {
  containment({ insecure: false, memoryMb: heapMb });
} catch (error) {
  if (!(error instanceof ContainmentUnavailableError)) throw error;
  available = false;
}

describe.runIf(available)('grading workers are contained by the OS', () => {
  it('run as nobody (as root) in their own PID namespace, with no network interface up', () => {
    const facts = insideContainment(`
      const os = require('os');
      const up = Object.entries(os.networkInterfaces()).filter(([, list]) => list.some((entry) => !entry.internal)).map(([name]) => name);
      console.log(JSON.stringify({ uid: process.getuid(), pid: process.pid, up, interfaces: Object.keys(os.networkInterfaces()) }));
    `);
    expect(facts.stderr).toBe('');
    const seen = JSON.parse(facts.stdout) as { uid: number; pid: number; up: string[]; interfaces: string[] };
    if (process.getuid?.() === 0) expect(seen.uid).toBe(65534);
    else expect(seen.uid).toBe(process.getuid?.());
    expect(seen.pid).toBe(1);
    expect(seen.up).toEqual([]);
    expect(seen.interfaces.filter((name) => name !== 'lo')).toEqual([]);
  });

  it('cannot allocate Buffers past the memory limit (the heap limit alone does not count them)', () => {
    const limitMb = processMemoryMb(heapMb);
    const facts = insideContainment(`
      const kept = []; let mb = 0;
      try { while (mb < ${limitMb * 3}) { kept.push(Buffer.alloc(16 * 1024 * 1024, 1)); mb += 16; } } catch (error) { console.log(JSON.stringify({ mb, error: String(error) })); process.exit(0); }
      console.log(JSON.stringify({ mb, error: null }));
    `);
    const seen = JSON.parse(facts.stdout) as { mb: number; error: string | null };
    expect(seen.error).toMatch(/allocation failed|Cannot allocate|ERR_MEMORY_ALLOCATION_FAILED|out of memory/i);
    expect(seen.mb).toBeLessThanOrEqual(limitMb);
  });

  it('cannot reach or signal any process outside its namespace', () => {
    const facts = insideContainment(`
      let signalled = 'none';
      try { process.kill(${process.pid}, 0); signalled = 'grader'; } catch (error) { signalled = error.code; }
      console.log(JSON.stringify({ signalled }));
    `);
    expect(JSON.parse(facts.stdout)).toEqual({ signalled: 'ESRCH' });
  });
});

describe.runIf(!available)('a machine that cannot contain workers', () => {
  it('refuses to grade unless told insecure, and says how', () => {
    expect(() => containment({ insecure: false, memoryMb: heapMb })).toThrow(/--insecure/);
    const insecure = containment({ insecure: true, memoryMb: heapMb });
    expect(insecure).toMatchObject({ insecure: true, network: 'none', prefix: [] });
  });
});
