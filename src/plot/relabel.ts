/**
 * Chart text in another language: every spec function here writes English titles ('virtual
 * time (ms)', 'node', ...). `withLabels(spec, labels)` returns a copy of any spec with each title
 * (chart, axis, legend, tooltip field) that equals a key of `labels` replaced by its value, so
 * one option covers every plot function without a labels parameter on each. The Chinese lecture
 * notebooks (notebooks/zh) show their charts through it with `chartLabelsZh`.
 *
 * @example
 * await show(withLabels(spaceTimeSpec(events, { fromMs: 0, toMs: 400 }), chartLabelsZh));
 */
import type { VegaLiteSpec } from './render';

/** Chinese for the titles the built-in specs use (terms as in docs/lecture-notebooks.md). */
export const chartLabelsZh: Readonly<Record<string, string>> = {
  'virtual time (ms)': '虚拟时间（毫秒）',
  'virtual time (s)': '虚拟时间（秒）',
  'time (ms)': '时间（毫秒）',
  'time (s)': '时间（秒）',
  'at (ms)': '时刻（毫秒）',
  'start (ms)': '开始（毫秒）',
  'end (ms)': '结束（毫秒）',
  'call (ms)': '调用（毫秒）',
  'return (ms)': '返回（毫秒）',
  'crash (ms)': '崩溃（毫秒）',
  node: '节点',
  method: '方法',
  kind: '类型',
  event: '事件',
  role: '角色',
  worker: '工作节点',
  workers: '工作节点数',
  phase: '阶段',
  marks: '标记',
  client: '客户端',
  operation: '操作',
  verdict: '结论',
  partition: '分区',
  position: '位置',
  what: '内容',
  'speedup over one worker': '相对单个工作节点的加速比',
  'Space-time diagram': '时空图',
  'Node timeline': '节点时间线',
};

/** A copy of `spec` with every title found in `labels` translated; other values are untouched. */
export function withLabels(spec: VegaLiteSpec, labels: Readonly<Record<string, string>>): VegaLiteSpec {
  return relabel(spec, labels) as VegaLiteSpec;
}

function relabel(value: unknown, labels: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((item) => relabel(item, labels));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'data' || key === 'datasets') copy[key] = item; // data values are identifiers, not labels
    else if ((key === 'title' || key === 'text') && typeof item === 'string') copy[key] = labels[item] ?? item;
    else copy[key] = relabel(item, labels);
  }
  return copy;
}
