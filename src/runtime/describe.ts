import type { TraceEvent } from './trace-event';

/**
 * One line per trace event, starting with virtual time and node, for logs, failure reports and
 * golden excerpts (etcd raft's `Describe*` family plays this role).
 *
 * Example: `"   120ms net.drop   a -> b AppendEntries#12 (partition)"`.
 */
export function describeEvent(event: TraceEvent): string {
  const time = `${formatMs(event.atMs)}`.padStart(9);
  switch (event.type) {
    case 'net.send':
      return `${time} net.send    ${event.source} -> ${event.target} ${label(event.kind, event.method, event.call)} ${event.bytes}B${
        event.deliverAtMs === undefined ? '' : ` arrives ${formatMs(event.deliverAtMs)}`
      }`;
    case 'net.deliver':
      return `${time} net.deliver ${event.source} -> ${event.target} ${label(event.kind, event.method, event.call)}`;
    case 'net.drop':
      return `${time} net.drop    ${event.source} -> ${event.target} ${label(event.kind, event.method, event.call)} (${event.reason})`;
    case 'net.duplicate':
      return `${time} net.dup     ${event.source} -> ${event.target} ${event.method} copy #${event.copy} arrives ${formatMs(event.deliverAtMs)}`;
    case 'net.fault':
      return `${time} net.fault   ${event.description}`;
    case 'rpc.end':
      return `${time} rpc.end     ${event.source} -> ${event.target} ${event.method}#${event.call} ${event.ok ? 'ok' : `failed (${event.reason})`}`;
    case 'node.start':
      return `${time} ${event.node} start (incarnation ${event.incarnation})`;
    case 'node.crash':
      return `${time} ${event.node} CRASH (${event.reason})`;
    case 'node.restart':
      return `${time} ${event.node} restart (incarnation ${event.incarnation})`;
    case 'node.error':
      return `${time} ${event.node} ERROR in ${event.where}: ${event.message}`;
    case 'node.log':
      return `${time} ${event.node} ${event.message}`;
    case 'node.role':
      return `${time} ${event.node} becomes ${event.role} in term ${event.term}`;
    case 'node.metric':
      return `${time} ${event.node} ${event.name} = ${event.value}`;
    case 'node.persist':
      return `${time} ${event.node} persist state ${event.stateBytes}B snapshot ${event.snapshotBytes}B`;
    case 'timer.set':
      return `${time} ${event.node} timer #${event.timer} set for ${formatMs(event.fireAtMs)}`;
    case 'timer.fire':
      return `${time} ${event.node} timer #${event.timer} fires`;
    case 'client.invoke':
      return `${time} client ${event.client} op ${event.op} invoke ${JSON.stringify(event.input)}`;
    case 'client.return':
      return `${time} client ${event.client} op ${event.op} ${event.known ? 'return' : 'gave up'} ${JSON.stringify(event.output)}`;
    case 'world.note':
      return `${time} note: ${event.message}`;
    case 'world.stop':
      return `${time} WORLD STOPPED: ${event.reason}`;
  }
}

export function formatMs(ms: number): string {
  return Number.isInteger(ms) ? `${ms}ms` : `${ms.toFixed(3)}ms`;
}

function label(kind: string, method: string, call: number | undefined): string {
  const suffix = call === undefined ? '' : `#${call}`;
  return kind === 'reply' ? `${method}${suffix} reply` : `${method}${suffix}`;
}
