/**
 * Adversary: re-exports the reference solution by path, hoping the grader compiles it into
 * the submission or lets the worker read it. (The grading test fills in __GRADING_ROOT__.)
 */
// @ts-ignore: the path exists only once the grading test fills it in
export { Counter } from '__GRADING_ROOT__/grading/fixtures/counter/reference';
