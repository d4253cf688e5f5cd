/**
 * Partitions and latency for etcd, which has no control channel: every member advertises a
 * peer URL on this proxy, which forwards to the member's real peer port. etcd's peer requests
 * carry the sender's advertised URLs (`X-PeerURLs`), so the proxy knows who talks to whom and
 * can refuse and cut the connections that cross a partition, or hold every chunk for the
 * added latency. Client traffic does not go through it (clients see a partition the way a
 * client beside the isolated member would: it still answers, from its side).
 */
import * as net from 'node:net';
import type { NetworkControl } from './nemesis';

export interface ProxyRoute {
  readonly name: string;
  readonly listenPort: number;
  readonly targetPort: number;
}

interface Connection {
  /** The member that opened it (null: not known, e.g. a request without X-PeerURLs). */
  readonly source: string | null;
  readonly target: string;
  readonly sockets: net.Socket[];
}

/** Bytes of an HTTP request head the proxy reads before deciding (etcd's are far smaller). */
const headBytesMax = 16 * 1024;

export class EtcdPeerProxy implements NetworkControl {
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<Connection>();
  private isolated: string | null = null;
  private delayMs = 0;

  constructor(private readonly routes: readonly ProxyRoute[]) {}

  async start(): Promise<void> {
    for (const route of this.routes) {
      const server = net.createServer((socket) => this.accept(route, socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(route.listenPort, '127.0.0.1', () => resolve());
      });
      this.servers.push(server);
    }
  }

  partition(isolated: string): void {
    this.isolated = isolated;
    for (const connection of [...this.connections]) if (this.blocked(connection.source, connection.target)) this.drop(connection);
  }

  heal(): void {
    this.isolated = null;
  }

  setLatency(delayMs: number): void {
    this.delayMs = delayMs;
  }

  close(): void {
    for (const connection of [...this.connections]) this.drop(connection);
    for (const server of this.servers) server.close();
  }

  private blocked(source: string | null, target: string): boolean {
    if (this.isolated === null || source === target) return false;
    return target === this.isolated || source === this.isolated;
  }

  private drop(connection: Connection): void {
    this.connections.delete(connection);
    for (const socket of connection.sockets) socket.destroy();
  }

  /** Reads the request head, decides, then forwards both ways (after the added latency). */
  private accept(route: ProxyRoute, inbound: net.Socket): void {
    let head = Buffer.alloc(0);
    inbound.on('error', () => inbound.destroy());
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.indexOf('\r\n\r\n') < 0 && head.length < headBytesMax) return;
      inbound.off('data', onData);
      const source = this.sourceOf(head.toString('latin1'));
      if (this.blocked(source, route.name)) return void inbound.destroy();
      const outbound = net.connect(route.targetPort, '127.0.0.1');
      const connection: Connection = { source, target: route.name, sockets: [inbound, outbound] };
      this.connections.add(connection);
      const end = () => this.drop(connection);
      outbound.on('error', end).on('close', end);
      inbound.on('close', end);
      this.forward(inbound, outbound, head);
    };
    inbound.on('data', onData);
  }

  private forward(inbound: net.Socket, outbound: net.Socket, head: Buffer): void {
    const send = (to: net.Socket, chunk: Buffer) => {
      // tidy: allowed (real mode: added latency is wall-clock time)
      if (this.delayMs > 0) setTimeout(() => to.writable && to.write(chunk), this.delayMs);
      else if (to.writable) to.write(chunk);
    };
    send(outbound, head);
    inbound.on('data', (chunk: Buffer) => send(outbound, chunk));
    outbound.on('data', (chunk: Buffer) => send(inbound, chunk));
  }

  /** The member whose advertised peer URL (a port of this proxy) is in the request's X-PeerURLs. */
  private sourceOf(head: string): string | null {
    const header = /^x-peerurls:\s*(.*)$/im.exec(head)?.[1] ?? '';
    const ports = [...header.matchAll(/:(\d+)/g)].map((match) => Number(match[1]));
    return this.routes.find((route) => ports.includes(route.listenPort))?.name ?? null;
  }
}
