// The lecture notebooks 02 and 03 are generated from notebooks/src/*.md by
// scripts/build-lecture-notebooks.ts; the committed .ipynb files must match their sources.
import { describe, expect, it } from 'vitest';
import { lectureBuilds, parseLectureSource, staleLectureNotebooks } from '../scripts/build-lecture-notebooks';

describe('lecture notebook sources', () => {
  it('Lecture notebooks: every notebooks/src/*.md has an up-to-date notebook (rebuild: npx tsx scripts/build-lecture-notebooks.ts)', () => {
    expect(lectureBuilds().length).toBeGreaterThan(0);
    expect(staleLectureNotebooks()).toEqual([]);
  });

  it('Lecture notebooks: ```ts blocks become code cells, the text between them markdown cells', () => {
    const cells = parseLectureSource('# Title\n\nIntro.\n\n```ts\nconst x = 1;\n```\nAfter.\n<!-- cell -->\nNext.\n', 'inline.md');
    expect(cells).toEqual([
      { kind: 'markdown', text: '# Title\n\nIntro.' },
      { kind: 'code', text: 'const x = 1;' },
      { kind: 'markdown', text: 'After.' },
      { kind: 'markdown', text: 'Next.' },
    ]);
    expect(() => parseLectureSource('```ts\nopen', 'broken.md')).toThrow(/broken.md:1: a ```ts block is never closed/);
  });
});
