import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeaviestFirst } from './vitest.sequencer.mts';

const __dirname = fileURLToPath(new URL('.', import.meta.url));

// Tests import the runtime by its package name, exactly as notebooks and the grader do;
// here the name resolves to the TypeScript sources so no build is needed to run them.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^distlab$/, replacement: resolve(__dirname, 'src/index.ts') },
      { find: /^distlab\/(.*)$/, replacement: resolve(__dirname, 'src/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'labs/**/*.test.ts', 'grading/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files side by side on a 2-core machine (vitest's default there is one). Notebook
    // kernels may then start at the same moment; src/notebook/tslab-kernel.ts makes that safe.
    maxWorkers: 2,
    // Heaviest files first, so both workers finish together (vitest.sequencer.mts).
    sequence: { sequencer: HeaviestFirst },
  },
});
