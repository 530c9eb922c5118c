// A node's registration in etcd (P/nodes/<id>, on its lease): the value's format and the lease's TTL.
import type { Registration } from './planner';
import type { NodeAddr } from './topology';

/** etcd lease TTL for a node timeout: whole seconds, at least 2 (etcd's own minimum on one member). */
export function leaseTtlSeconds(nodeTimeoutMs: number): number {
  return Math.max(2, Math.ceil(nodeTimeoutMs / 1000));
}

/** The registration value of a node at `addr`: JSON {addr, state ('up' | 'leaving'), pid}. */
export function registrationValue(addr: NodeAddr, leaving: boolean): string {
  return JSON.stringify({ addr, state: leaving ? 'leaving' : 'up', pid: process.pid });
}

/** Parses a registration value; null when it is not one (ignored, as an unknown node). */
export function parseRegistration(text: string): Registration | null {
  try {
    const v = JSON.parse(text) as { addr?: { ip?: unknown; port?: unknown }; state?: unknown };
    if (typeof v.addr?.ip !== 'string' || typeof v.addr.port !== 'number') return null;
    return { addr: { ip: v.addr.ip, port: v.addr.port }, state: v.state === 'leaving' ? 'leaving' : 'up' };
  } catch {
    return null;
  }
}
