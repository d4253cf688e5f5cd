/** The one notebook builder: markdown sources with ```ts cells and includes -> .ipynb files. */
export { parseNotebookSource, NotebookSourceError } from './source';
export { notebookText } from '../ipynb';
export type { DraftCell, FrontMatter, NotebookSource, SkeletonTarget } from './source';
export { namedRegion, namedRegions, stripSolutions, hasSolutionRegion, withoutImports } from './regions';
export type { Region } from './regions';
export { allBuildOutputs, buildSource, notebookFromCells, notebookSources, skeletonText, staleOutputs, writeOutputs } from './build';
export type { BuildOutput } from './build';
export { translatedCells, parseReplacements } from './translation';
