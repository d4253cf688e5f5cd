/**
 * Chart text in another language: every spec function here writes English titles ('virtual
 * time (ms)', 'node', ...). `withLabels(spec, labels)` returns a copy of any spec with each title
 * (chart, axis, legend, tooltip field) that equals a key of `labels` replaced by its value, and
 * each legend entry too ('message dropped', 'worker crash'; a key ending in ': ' replaces that
 * prefix, as in 'partition: a b'), so one option covers every plot function without a labels
 * parameter on each. Data values stay as they are (the legend only displays them translated).
 * The Chinese lecture notebooks (notebooks/zh) show their charts through it with `chartLabelsZh`.
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
  Speedup: '加速比',
  'MapReduce tasks per worker': 'MapReduce：各工作节点的任务',
  // Legend entries the built-in specs write (space-time, Gantt, speedup, node timeline).
  request: '请求',
  reply: '回复',
  'message dropped': '消息被丢弃',
  crash: '崩溃',
  restart: '重启',
  'worker crash': '工作节点崩溃',
  'reissued task (outlined)': '重新分配的任务（黑框）',
  'coordinator exits (dashed)': '协调者退出（虚线）',
  measured: '实测',
  'ideal (linear, dashed)': '理想（线性，虚线）',
  'down (crashed)': '宕机（崩溃）',
  'partition: majority side': '分区：多数派一侧',
  'partition: minority side': '分区：少数派一侧',
  'partition: ': '分区：',
};

/** A copy of `spec` with every title and legend entry found in `labels` translated; data values are untouched. */
export function withLabels(spec: VegaLiteSpec, labels: Readonly<Record<string, string>>): VegaLiteSpec {
  if (Object.keys(labels).length === 0) return spec;
  return relabel(spec, labels, legendLabelExpression(labels)) as VegaLiteSpec;
}

/** Encoding channels that draw a legend. */
const legendChannels = new Set(['color', 'fill', 'stroke', 'shape', 'strokeDash', 'size', 'opacity']);

/** A Vega expression: a legend label found in `labels` translated, else one starting with a `': '` key. */
function legendLabelExpression(labels: Readonly<Record<string, string>>): string {
  const prefixed = Object.keys(labels)
    .filter((key) => key.endsWith(': '))
    .reduceRight((otherwise, prefix) => `indexof(datum.label, ${JSON.stringify(prefix)}) === 0 ? ${JSON.stringify(labels[prefix])} + substring(datum.label, ${prefix.length}) : ${otherwise}`, 'datum.label');
  return `(${JSON.stringify(labels)})[datum.label] || (${prefixed})`;
}

function relabel(value: unknown, labels: Readonly<Record<string, string>>, legendLabels: string): unknown {
  if (Array.isArray(value)) return value.map((item) => relabel(item, labels, legendLabels));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'data' || key === 'datasets') copy[key] = item; // data values are identifiers, not labels
    else if ((key === 'title' || key === 'text') && typeof item === 'string') copy[key] = labels[item] ?? item;
    else copy[key] = relabel(item, labels, legendLabels);
    // A legend shows data values: translate what it displays (labelExpr), not the data.
    const channel = copy[key] as { field?: unknown; legend?: object | null } | undefined;
    if (legendChannels.has(key) && typeof channel?.field === 'string' && channel.legend !== null) {
      copy[key] = { ...channel, legend: { ...channel.legend, labelExpr: legendLabels } };
    }
  }
  return copy;
}
