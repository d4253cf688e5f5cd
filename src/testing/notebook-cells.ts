/**
 * Which cells of a lab notebook form the implementation, and how they become one module.
 * The rule (docs/notebook-submissions.md) is shared by `distlab test --impl x.ipynb`, the
 * grader and the handout tooling:
 *
 *   every code cell is implementation, EXCEPT a cell whose first non-blank line is
 *   `// distlab: test`, `// distlab: demo` or `// distlab: skip`, or whose metadata tags
 *   contain `test`, `demo` or `skip`. Empty cells are ignored.
 */
import { codeCells, type CodeCellInfo, type Notebook } from '../notebook/ipynb';

/** Cell roles that are NOT part of the implementation. */
export const excludedCellRoles = ['test', 'demo', 'skip'] as const;
export type ExcludedCellRole = (typeof excludedCellRoles)[number];

const markerPattern = /^\/\/\s*distlab:\s*([a-z]+)\b/i;

/** The role a cell's marker or tags give it, or null for an implementation cell. */
export function cellRole(cell: CodeCellInfo): ExcludedCellRole | null {
  const firstLine = cell.source.split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
  const marker = markerPattern.exec(firstLine)?.[1]?.toLowerCase();
  for (const role of excludedCellRoles) {
    if (marker === role || cell.tags.includes(role)) return role;
  }
  return null;
}

/**
 * The implementation cells of a notebook, in order (see the module comment for the rule).
 *
 * @example
 *   implementationCells(readNotebook('labs/raft/raft.ipynb')).map((cell) => cell.index + 1); // cell numbers
 */
export function implementationCells(notebook: Notebook): CodeCellInfo[] {
  return codeCells(notebook).filter((cell) => cell.source.trim().length > 0 && cellRole(cell) === null);
}
