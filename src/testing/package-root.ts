import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The distlab checkout (the folder with package.json), found from this file whether it runs
 * as TypeScript source (`<root>/src/testing`, under tsx or vitest) or built
 * (`<root>/dist/src/testing`).
 */
export function packageRoot(): string {
  const fromSource = path.resolve(__dirname, '..', '..');
  const fromBuild = path.resolve(__dirname, '..', '..', '..');
  return runningFromSource() || !fs.existsSync(path.join(fromBuild, 'package.json')) ? fromSource : fromBuild;
}

/** True under tsx or vitest (this file is `.ts`), false in the built `dist/`. */
export function runningFromSource(): boolean {
  return __filename.endsWith('.ts');
}
