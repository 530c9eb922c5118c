// Batching of the replication stream and its acknowledgements (issue 11): under load many writes share one
// stream write per replica, one REPLCONF ACK from it and, with replication-ack sync, one pass of the ack
// gate; and still no reply leaves before every in-sync replica acknowledged its write. In-process nodes on
// 127.0.0.1 (harness.ts): a primary and two replicas by REPLICAOF; for sync mode a real AckGate on the
// primary with a stand-in cluster agent naming both replicas in-sync (cluster/setup.ts wires it the same
// way). Counted, not timed.
import type * as net from 'net';
import { expect } from 'chai';
import type Redis from 'ioredis';
import { AckGate, type GateAgent } from '../../lib/cluster/ack-gate';
import { validateTopology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { startNode, until, type TestNode } from './harness';

/** 8 clients x 250 writes, each client's sent at once (one pipeline). */
const CLIENTS = 8;
const PER_CLIENT = 250;
const N = CLIENTS * PER_CLIENT;

interface Counts {
  streamWrites: number;
  acksReceived: number;
  acksSent: number;
  replicaReads: number;
}

function counts(p: TestNode, replicas: TestNode[]): Counts {
  let acksSent = 0;
  let replicaReads = 0;
  for (const r of replicas) {
    const l = r.node.repl.masterLink;
    if (l === null) throw new Error('replica without a link');
    acksSent += l.acksSent;
    replicaReads += l.reads;
  }
  return { streamWrites: p.node.repl.primary.streamWrites, acksReceived: p.node.repl.primary.acksReceived, acksSent, replicaReads };
}

function delta(a: Counts, b: Counts): Counts {
  return { streamWrites: b.streamWrites - a.streamWrites, acksReceived: b.acksReceived - a.acksReceived, acksSent: b.acksSent - a.acksSent, replicaReads: b.replicaReads - a.replicaReads };
}

/** True when `key` holds `value` in db 0 of `t` (read from the store directly: no socket, no wait). */
function holds(t: TestNode, key: string, value: string): boolean {
  const db = t.node.dbs[0];
  const s = db.peek(key);
  return s >= 0 && db.valueAt(s) === `$${value.length}\r\n${value}\r\n`;
}

describe('replication batching: stream writes, acks and the ack gate', function () {
  this.timeout(60000);
  const nodes: TestNode[] = [];
  const extra: Redis[] = [];
  let gate: AckGate | null = null;

  async function shard(): Promise<{ p: TestNode; b: TestNode; c: TestNode }> {
    const p = await startNode();
    const b = await startNode();
    const c = await startNode();
    nodes.push(p, b, c);
    await b.client.replicaof('127.0.0.1', String(p.port));
    await c.client.replicaof('127.0.0.1', String(p.port));
    await until(() => p.node.repl.replicas().filter((x) => x.online).length === 2, 'two replicas online');
    return { p, b, c };
  }

  /** Waits until the primary has every replica's ack of everything it produced (nothing outstanding). */
  async function settled(p: TestNode): Promise<void> {
    await until(() => p.node.repl.replicas().every((x) => x.ackOffset === p.node.repl.offset), 'every replica acknowledged everything');
  }

  /** `n` more connections to `t`. */
  async function connections(t: TestNode, n: number): Promise<Redis[]> {
    const out: Redis[] = [];
    for (let i = 0; i < n; i++) {
      const r = t.client.duplicate();
      await r.ping();
      out.push(r);
      extra.push(r);
    }
    return out;
  }

  /**
   * replication-ack sync on p: an AckGate whose agent says p is the primary of a shard with b and c in
   * sync, wired as cluster/setup.ts does (every ack releases what it can). p must not need REPLICAOF after.
   */
  function syncGate(p: TestNode, b: TestNode, c: TestNode): AckGate {
    const [P, B, C] = [p, b, c].map((t) => t.node.repl.nodeId);
    const view = new ClusterView(
      validateTopology({
        version: 1,
        nodes: {
          [P]: { addr: { ip: '127.0.0.1', port: p.port }, shard: 's', role: 'primary', epoch: 1 },
          [B]: { addr: { ip: '127.0.0.1', port: b.port }, shard: 's', role: 'replica', epoch: 1 },
          [C]: { addr: { ip: '127.0.0.1', port: c.port }, shard: 's', role: 'replica', epoch: 1 },
        },
        shards: { s: { primary: P, replicas: [B, C], inSync: [B, C] } },
        slots: [[0, 16383, 's']],
        migrating: [],
      }),
      [P, B, C],
    );
    const agent: GateAgent = {
      isPrimary: true,
      myShard: 's',
      view,
      node: p.node,
      writesFenced: () => false,
      changeInSync: () => Promise.resolve(false),
    };
    const g = new AckGate(agent, p.node.repl);
    p.node.repl.onAck((id, offset) => {
      g.acked(id, offset);
      g.release();
    });
    // The dispatcher holds writes through node.cluster.gate; route() null: this node serves every key.
    (p.node as unknown as { cluster: unknown }).cluster = { gate: g, route: () => null, servesHere: () => false, unavailable: false, refusesReplica: () => false };
    gate = g;
    return g;
  }

  afterEach(async () => {
    gate?.stop();
    gate = null;
    for (const r of extra.splice(0)) r.disconnect();
    for (const n of nodes.splice(0)) {
      (n.node as unknown as { cluster: unknown }).cluster = null;
      await n.stop();
    }
  });

  it(`${N} pipelined writes from ${CLIENTS} clients: far fewer stream writes and REPLCONF ACKs than writes`, async () => {
    const { p, b, c } = await shard();
    const clients = await connections(p, CLIENTS);
    await settled(p);
    const before = counts(p, [b, c]);
    const results = await Promise.all(
      clients.map((r, k) => {
        const pl = r.pipeline();
        for (let i = 0; i < PER_CLIENT; i++) pl.set(`a:${k}:${i}`, `v${k}.${i}`);
        return pl.exec();
      }),
    );
    expect(results.flat().every((x) => x?.[0] === null && x[1] === 'OK')).to.equal(true);
    await settled(p);
    const d = delta(before, counts(p, [b, c]));
    // Per write, unbatched: 2 stream writes (one per replica) and 2 acks; here at most one in 10 of that.
    expect(d.streamWrites, JSON.stringify(d)).to.be.greaterThan(0);
    expect(d.streamWrites, JSON.stringify(d)).to.be.at.most((2 * N) / 10);
    expect(d.acksReceived, JSON.stringify(d)).to.be.at.most((2 * N) / 10);
    // A replica acks once per read, never per command.
    expect(d.acksSent, JSON.stringify(d)).to.be.at.most(d.replicaReads + 2);
    for (const r of [b, c]) for (let k = 0; k < CLIENTS; k++) for (let i = 0; i < PER_CLIENT; i += 50) expect(holds(r, `a:${k}:${i}`, `v${k}.${i}`)).to.equal(true);
  });

  it('replication-ack sync: every reply finds its write applied on both replicas; one gate pass releases many replies', async () => {
    const { p, b, c } = await shard();
    const clients = await connections(p, CLIENTS);
    await settled(p);
    const g = syncGate(p, b, c);
    const before = counts(p, [b, c]);
    const released = g.released;
    const releases = g.releases;
    const early: string[] = [];
    await Promise.all(
      clients.map((r, k) =>
        Promise.all(
          Array.from({ length: PER_CLIENT }, (_, i) =>
            r.set(`s:${k}:${i}`, `v${i}`).then((ok) => {
              // Runs when the reply has arrived: the primary let it go, so both replicas have the write.
              if (ok !== 'OK' || !holds(b, `s:${k}:${i}`, `v${i}`) || !holds(c, `s:${k}:${i}`, `v${i}`)) early.push(`s:${k}:${i} ${String(ok)}`);
            }),
          ),
        ),
      ),
    );
    expect(early.slice(0, 5), `${early.length} replies before both replicas had the write`).to.deep.equal([]);
    await settled(p);
    const d = delta(before, counts(p, [b, c]));
    expect(d.streamWrites, JSON.stringify(d)).to.be.at.most((2 * N) / 10);
    expect(d.acksReceived, JSON.stringify(d)).to.be.at.most((2 * N) / 10);
    // Every write held (sync mode), and the passes that let replies go far fewer than the writes.
    expect(g.released - released).to.be.greaterThan(0);
    expect(g.releases - releases, `${g.releases - releases} passes released ${g.released - released} clients`).to.be.at.most(N / 10);
  });

  it(`replication-ack sync, ${CLIENTS} clients each writing one at a time (no pipelining): replies, stream writes and acks shared`, async () => {
    const { p, b, c } = await shard();
    const clients = await connections(p, CLIENTS);
    await settled(p);
    const g = syncGate(p, b, c);
    const before = counts(p, [b, c]);
    const releases = g.releases;
    const released = g.released;
    const early: string[] = [];
    const SEQ = 100;
    await Promise.all(
      clients.map(async (r, k) => {
        for (let i = 0; i < SEQ; i++) {
          const ok = await r.set(`q:${k}:${i}`, `v${i}`);
          if (ok !== 'OK' || !holds(b, `q:${k}:${i}`, `v${i}`) || !holds(c, `q:${k}:${i}`, `v${i}`)) early.push(`q:${k}:${i} ${String(ok)}`);
        }
      }),
    );
    expect(early.slice(0, 5), `${early.length} replies before both replicas had the write`).to.deep.equal([]);
    await settled(p);
    const d = delta(before, counts(p, [b, c]));
    const writes = CLIENTS * SEQ;
    expect(g.released - released).to.equal(writes); // each write held, its reply let go once
    expect(d.streamWrites, JSON.stringify(d)).to.be.at.most((2 * writes) / 4);
    expect(d.acksReceived, JSON.stringify(d)).to.be.at.most((2 * writes) / 4);
    expect(g.releases - releases).to.be.at.most(writes / 4);
  });

  it('replication-ack sync: with one replica not reading, no reply leaves; once it reads again, all leave', async () => {
    const { p, b, c } = await shard();
    const clients = await connections(p, 4);
    await settled(p);
    const g = syncGate(p, b, c);
    // c stops reading its primary's stream (a slow replica): it neither applies nor acknowledges.
    const cSocket = (c.node.repl.masterLink as unknown as { socket: net.Socket }).socket;
    cSocket.pause();
    let replies = 0;
    const early: string[] = [];
    const sent = Promise.all(
      clients.map((r, k) =>
        Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            r.set(`h:${k}:${i}`, `v${i}`).then(() => {
              replies++;
              if (!holds(c, `h:${k}:${i}`, `v${i}`)) early.push(`h:${k}:${i}`);
            }),
          ),
        ),
      ),
    );
    // b applies and acknowledges everything; the writes stay held for c (well within the gate's LAG_MS).
    await until(() => holds(b, 'h:3:49', 'v49') && b.node.repl.offset === p.node.repl.offset, 'b has every write');
    await until(() => p.node.repl.replicas().some((x) => x.ackOffset === p.node.repl.offset), "b's ack reached the primary");
    await new Promise((r) => setTimeout(r, 100));
    expect(replies, 'replies before c acknowledged').to.equal(0);
    expect(holds(c, 'h:0:0', 'v0')).to.equal(false);
    expect(g.passed(p.node.repl.offset)).to.equal(false);
    const releases = g.releases;
    cSocket.resume();
    await sent;
    expect(replies).to.equal(200);
    expect(early).to.deep.equal([]);
    // c's first read after resuming holds every held write: a single pass lets all four clients go.
    expect(g.releases - releases).to.be.at.most(2);
  });
});
