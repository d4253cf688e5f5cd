/**
 * distlab/notebook: reading, writing and headlessly executing Jupyter notebooks with the
 * project's tslab kernel. Used by the CLI, the grader and the tests; students never import it.
 */
export {
  parseNotebook,
  readNotebook,
  writeNotebook,
  clearOutputs,
  codeCells,
  cellSource,
  toSourceLines,
  NotebookFormatError,
} from './ipynb';
export type { Notebook, NotebookCell, CodeCell, CodeCellInfo } from './ipynb';
export { ensureKernel, kernelEnv, findPython, repoRoot, JupyterSetupError, jupyterInstallAdvice } from './kernel';
export type { KernelSetup } from './kernel';
export { executeNotebook, executeNotebooks, describeRun, cellErrorText, runnerPython, runnerScript } from './execute';
export type { CellRun, CellStatus, ExecuteOptions, NotebookRun, NotebookToRun } from './execute';
export { projectVenv, venvReady, findVenvPython, installVenv, requirementsFileName } from './jupyter-env';
export type { ProjectVenv } from './jupyter-env';
