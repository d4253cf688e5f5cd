// Students get no answers: nothing under labs/ or notebooks/ (what a student clones and what
// the handout ships) holds a solution region or a line of the reference solutions. The
// instructor notebooks with solutions are generated into grading/solutions/ only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBuildOutputs } from '../src/notebook/build';

const root = path.resolve(__dirname, '..');
const studentTops = ['labs', 'notebooks'];
/**
 * Hand-written public lab code that legitimately shares a few lines with the reference (the
 * sequential MapReduce, like the Go lab's mrsequential.go, groups keys the same way). Lines found
 * there are not answers; everything else under labs/ and notebooks/ is checked.
 */
const publicHelpers = ['labs/mapreduce/sequential.ts', 'labs/mapreduce/job.ts', 'labs/mapreduce/types.ts'];
/** Shorter lines (`return true;`, `}`) are not distinctive. */
const distinctiveLengthMin = 30;

function filesUnder(top: string): string[] {
  return fs
    .readdirSync(path.join(root, top), { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(top, name))
    .filter((file) => !file.includes('node_modules') && !file.includes('.ipynb_checkpoints') && fs.statSync(path.join(root, file)).isFile());
}

/** A file's text as a student reads it: a notebook's cell sources, else the file. */
function studentText(file: string): string {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  if (!file.endsWith('.ipynb')) return text;
  const notebook = JSON.parse(text) as { cells: Array<{ source: string | string[] }> };
  return notebook.cells.map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source)).join('\n');
}

function distinctive(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= distinctiveLengthMin && !/^(\/\/|\/\*|\*)/.test(trimmed);
}

/** Lines inside solution regions of the reference sources in grading/solutions. */
function solutionRegionLines(): Array<{ file: string; line: string }> {
  const found: Array<{ file: string; line: string }> = [];
  for (const file of filesUnder('grading/solutions').filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    let inside = false;
    for (const line of fs.readFileSync(path.join(root, file), 'utf8').split('\n')) {
      if (/^\s*\/\/ BEGIN SOLUTION/.test(line)) inside = true;
      else if (/^\s*\/\/ END SOLUTION/.test(line)) inside = false;
      else if (inside && distinctive(line)) found.push({ file, line: line.trim() });
    }
  }
  return found;
}

/** Lines of each instructor notebook that its student notebook does not have (whole reference files included instead of a skeleton). */
function instructorOnlyLines(): Array<{ file: string; line: string }> {
  const outputs = allBuildOutputs(root);
  return outputs
    .filter((output) => output.kind === 'instructor')
    .flatMap((instructor) => {
      const student = outputs.find((output) => output.kind === 'notebook' && output.source === instructor.source);
      const studentLines = new Set(student === undefined ? [] : student.text.split('\n'));
      return instructor.text
        .split('\n')
        .filter((line) => !studentLines.has(line))
        .flatMap((line) => {
          const sourceLine = /^\s*("(?:[^"\\]|\\.)*"),?$/.exec(line); // one line of a cell's source list
          return sourceLine === null ? [] : [JSON.parse(sourceLine[1] as string) as string];
        })
        .filter(distinctive)
        .map((line) => ({ file: instructor.target, line: line.trim() }));
    });
}

describe('students get no answers', () => {
  const studentFiles = studentTops.flatMap(filesUnder);
  const texts = new Map(studentFiles.filter((file) => !file.endsWith('.test.ts')).map((file) => [file, studentText(file)]));

  it('Answers: no file under labs/ or notebooks/ has a solution region marker', () => {
    const marked = [...texts].filter(([, text]) => /\/\/ (BEGIN|END) SOLUTION/.test(text)).map(([file]) => file);
    expect(marked).toEqual([]);
  });

  it('Answers: no file under labs/ or notebooks/ holds a distinctive line of a reference solution', () => {
    const answers = [...solutionRegionLines(), ...instructorOnlyLines()];
    expect(answers.length).toBeGreaterThan(150);
    const helperTexts = publicHelpers.map((file) => fs.readFileSync(path.join(root, file), 'utf8'));
    const leaks: string[] = [];
    for (const answer of answers) {
      if (helperTexts.some((text) => text.includes(answer.line))) continue;
      for (const [file, text] of texts) if (text.includes(answer.line)) leaks.push(`${file} holds "${answer.line}" (from ${answer.file})`);
    }
    expect(leaks).toEqual([]);
  });

  it('Answers: the instructor notebooks sit in grading/ and hold the solutions', () => {
    const instructors = allBuildOutputs(root).filter((output) => output.kind === 'instructor');
    expect(instructors.map((output) => output.target).sort()).toEqual(['grading/solutions/kvraft/kvraft.ipynb', 'grading/solutions/kvsrv/kvsrv.ipynb', 'grading/solutions/mapreduce/mapreduce.ipynb', 'grading/solutions/raft/raft.ipynb', 'grading/solutions/shardkv/shardkv.ipynb']);
    for (const output of instructors) expect(output.text).toMatch(/BEGIN SOLUTION|class Coordinator implements CoordinatorNode/);
  });
});
