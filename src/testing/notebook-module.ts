/**
 * Assembling a notebook's implementation cells (see notebook-cells.ts for which cells) into one
 * TypeScript module, line for line. Kept apart from notebook-cells.ts because it needs the
 * TypeScript compiler's types, which distlab/testing's public declarations must not pull in
 * (tslab type-checks notebooks with its own, older TypeScript).
 */
import type * as TS from 'typescript';
import type { CodeCellInfo, Notebook } from '../notebook/ipynb';
import { implementationCells } from './notebook-cells';

/** Where a line of the assembled module came from: cell number (1-based, counting all cells) and line. */
export interface CellLine {
  readonly cell: number;
  readonly line: number;
}

export interface NotebookModule {
  readonly code: string;
  /** Line of `code` (0-based) -> origin; null for generated lines. */
  readonly lines: ReadonlyArray<CellLine | null>;
  readonly cells: readonly CodeCellInfo[];
  /** Names given the trailing `export { ... }`. */
  readonly exported: readonly string[];
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Concatenates the implementation cells into one module, line for line, so a compile error
 * maps back to `cell N, line L`. As when the notebook runs top to bottom:
 *   - an import repeated in a later cell is dropped (tslab allows it, one module does not);
 *   - a class, function or variable declared again in a later cell replaces the earlier one
 *     (the earlier declaration is blanked);
 *   - every top-level class, function, enum, const, let and var is exported.
 */
export function notebookModule(ts: typeof TS, notebook: Notebook, file: string): NotebookModule {
  const cells = implementationCells(notebook);
  const pieces: string[] = [];
  const lines: Array<CellLine | null> = [];
  const cellOfLine: number[] = [];
  for (const cell of cells) {
    const text = cell.source.endsWith('\n') ? cell.source : `${cell.source}\n`;
    pieces.push(text);
    const count = text.split('\n').length - 1;
    for (let line = 1; line <= count; line++) {
      lines.push({ cell: cell.index + 1, line });
      cellOfLine.push(cell.index);
    }
  }
  const joined = pieces.join('');
  const source = ts.createSourceFile(`${file}.ts`, joined, ts.ScriptTarget.ES2022, true);
  const cellAt = (position: number): number => cellOfLine[source.getLineAndCharacterOfPosition(position).line] ?? -1;
  const edits = [...importEdits(ts, source), ...redeclarationEdits(ts, source, cellAt)];
  const blanked = new Set(edits.map((edit) => edit.start));
  const exported = exportedNames(ts, source, blanked);
  let code = joined;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    code = code.slice(0, edit.start) + edit.text + code.slice(edit.end);
  }
  if (exported.length > 0) {
    code += `export { ${exported.join(', ')} };\n`;
    lines.push(null);
  }
  return { code, lines, cells, exported };
}

/** Keeps the line count of `original` while replacing its text (blank when `text` is empty). */
function sameLines(original: string, text: string): string {
  const newlines = original.split('\n').length - 1;
  if (text.length === 0) return original.replace(/[^\n]/g, ' ');
  return `${text}${'\n'.repeat(newlines)}`;
}

function importEdits(ts: typeof TS, source: TS.SourceFile): Edit[] {
  const bound = new Map<string, string>();
  const sideEffects = new Set<string>();
  const edits: Edit[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    const original = statement.getText(source);
    const edit = (text: string): void => void edits.push({ start: statement.getStart(source), end: statement.getEnd(), text: sameLines(original, text) });
    if (clause === undefined) {
      if (sideEffects.has(module)) edit('');
      sideEffects.add(module);
      continue;
    }
    const typePrefix = clause.isTypeOnly ? 'type ' : '';
    const keep = (local: string, key: string): boolean => {
      if (bound.get(local) === key) return false;
      if (!bound.has(local)) bound.set(local, key);
      return true;
    };
    const parts: string[] = [];
    let dropped = 0;
    if (clause.name !== undefined) {
      if (keep(clause.name.text, `${module}|default`)) parts.push(clause.name.text);
      else dropped++;
    }
    const named = clause.namedBindings;
    if (named !== undefined && ts.isNamespaceImport(named)) {
      if (keep(named.name.text, `${module}|*`)) parts.push(`* as ${named.name.text}`);
      else dropped++;
    } else if (named !== undefined) {
      const specifiers = named.elements.filter((element) => {
        const imported = (element.propertyName ?? element.name).text;
        const kept = keep(element.name.text, `${module}|${imported}`);
        if (!kept) dropped++;
        return kept;
      });
      if (specifiers.length > 0) parts.push(`{ ${specifiers.map((element) => element.getText(source)).join(', ')} }`);
    }
    if (dropped === 0) continue;
    edit(parts.length === 0 ? '' : `import ${typePrefix}${parts.join(', ')} from ${JSON.stringify(module)};`);
  }
  return edits;
}

/** Names a top-level statement declares (class, function, enum, variables), or [] for others. */
function declaredNames(ts: typeof TS, statement: TS.Statement): string[] {
  if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name !== undefined) {
    return [statement.name.text];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((declaration) => bindingNames(ts, declaration.name));
  }
  return [];
}

function bindingNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(ts, element.name)));
}

function hasModifier(ts: typeof TS, statement: TS.Statement, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === kind);
}

/** Blanks declarations that a later cell declares again (the later one wins, as in the kernel). */
function redeclarationEdits(ts: typeof TS, source: TS.SourceFile, cellAt: (position: number) => number): Edit[] {
  const lastCell = new Map<string, number>();
  for (const statement of source.statements) {
    for (const name of declaredNames(ts, statement)) lastCell.set(name, cellAt(statement.getStart(source)));
  }
  const edits: Edit[] = [];
  for (const statement of source.statements) {
    const names = declaredNames(ts, statement);
    const cell = cellAt(statement.getStart(source));
    if (names.length === 0 || !names.every((name) => (lastCell.get(name) ?? cell) > cell)) continue;
    edits.push({ start: statement.getStart(source), end: statement.getEnd(), text: sameLines(statement.getText(source), '') });
  }
  return edits;
}

function exportedNames(ts: typeof TS, source: TS.SourceFile, blanked: ReadonlySet<number>): string[] {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (blanked.has(statement.getStart(source))) continue;
    if (hasModifier(ts, statement, ts.SyntaxKind.ExportKeyword) || hasModifier(ts, statement, ts.SyntaxKind.DeclareKeyword)) continue;
    for (const name of declaredNames(ts, statement)) names.add(name);
  }
  return [...names];
}
