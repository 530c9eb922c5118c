// replication-ack sync on a primary, with a stand-in agent and replication source (no sockets, no etcd):
// replies wait for every in-sync replica, laggards leave the set by transaction before anything is
// acknowledged without them, caught-up replicas are required from the moment they are being added.
import { expect } from 'chai';
import { AckGate, LAG_MS, PRIMARY_READ_VOUCH_MS, PROMOTION_HOLD_MS } from '../../lib/cluster/ack-gate';
import type { ClusterAgent } from '../../lib/cluster/agent';
import { validateTopology, type Topology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { UnitNode } from '../helpers/unit-node';

const P = 'a'.repeat(40);
const R1 = 'b'.repeat(40);
const R2 = 'c'.repeat(40);

function topo(inSync: string[], version = 3): Topology {
  return validateTopology({
    version,
    nodes: {
      [P]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 1 },
      [R1]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sa', role: 'replica', epoch: 1 },
      [R2]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sa', role: 'replica', epoch: 1 },
    },
    shards: { sa: { primary: P, replicas: [R1, R2], inSync },
    },
    slots: [[0, 16383, 'sa']],
    migrating: [],
  });
}

function setup(inSync: string[]) {
  const n = new UnitNode();
  n.node.log.level = 'nothing';
  const acks = new Map<string, number>([[R1, 0], [R2, 0]]);
  const source = { offset: 0, replicas: () => [...acks].map(([id, ackOffset]) => ({ id, ackOffset, online: true })), ackOffsetOf: (id: string) => acks.get(id) ?? 0 };
  const changes: Array<readonly string[]> = [];
  let commit: (ok: boolean) => void = () => undefined;
  const agent = {
    fenced: false,
    writesFenced: () => agent.fenced,
    isPrimary: true,
    myShard: 'sa',
    view: new ClusterView(topo(inSync), [P, R1, R2]),
    node: n.node,
    changeInSync: (_shard: string, fn: (ids: readonly string[]) => readonly string[]) => {
      changes.push(fn(agent.view.shard('sa')!.inSync));
      return new Promise<boolean>((r) => (commit = r));
    },
  };
  const gate = new AckGate(agent as unknown as ClusterAgent, source);
  (n.node as { cluster: unknown }).cluster = { gate };
  const c = n.newClient();
  return { n, gate, agent, source, acks, changes, c, commit: (ok: boolean) => commit(ok) };
}

describe('cluster/ack-gate', () => {
  it('requires the shard in-sync replicas only when primary in sync mode', () => {
    const { gate, agent } = setup([R1, R2]);
    expect(gate.required().sort()).to.deep.equal([R1, R2]);
    gate.sync = false;
    expect(gate.required()).to.deep.equal([]);
    gate.sync = true;
    agent.isPrimary = false;
    expect(gate.required()).to.deep.equal([]);
  });

  it('a write is acknowledged only once every in-sync replica acked its offset', () => {
    const { gate, source, acks, c } = setup([R1, R2]);
    source.offset = 100;
    gate.hold(c);
    expect(c.waitOffset).to.equal(100);
    expect(gate.passed(100)).to.equal(false);
    acks.set(R1, 100);
    expect(gate.passed(100)).to.equal(false);
    acks.set(R2, 120);
    expect(gate.passed(100)).to.equal(true);
    gate.release();
    expect(c.waitOffset).to.equal(0);
    gate.stop();
  });

  it('no in-sync replica: nothing is held', () => {
    const { gate, source, c } = setup([]);
    source.offset = 50;
    gate.hold(c);
    expect(c.waitOffset).to.equal(0);
  });

  it('a laggard is taken out by a transaction; until it commits nothing is acknowledged without it', async () => {
    const { n, gate, source, acks, c, changes, agent, commit } = setup([R1, R2]);
    source.offset = 10;
    gate.hold(c);
    acks.set(R1, 10);
    n.clock.advance(LAG_MS + 150); // the gate measures LAG_MS on the node's clock
    await new Promise((r) => setTimeout(r, 150)); // a tick runs
    expect(changes).to.deep.equal([[R1]]);
    expect(gate.passed(10), 'R2 still required while the transaction runs').to.equal(false);
    commit(true);
    agent.view = new ClusterView(topo([R1], 4), [P, R1, R2]);
    gate.onView();
    expect(gate.passed(10)).to.equal(true);
    expect(c.waitOffset).to.equal(0);
    gate.stop();
  });

  it('a caught-up replica is required from the moment it is being added, and after', async () => {
    const { gate, source, acks, changes, agent, commit } = setup([R1]);
    source.offset = 30;
    acks.set(R1, 30);
    acks.set(R2, 30);
    gate.onView(); // primary: the tick runs
    await new Promise((r) => setTimeout(r, 120));
    expect(changes).to.deep.equal([[R1, R2]]);
    expect(gate.required().sort()).to.deep.equal([R1, R2]);
    commit(true);
    await new Promise((r) => setImmediate(r));
    expect(gate.required().sort(), 'still required before the view shows it').to.deep.equal([R1, R2]);
    agent.view = new ClusterView(topo([R1, R2], 4), [P, R1, R2]);
    gate.onView();
    expect(gate.required().sort()).to.deep.equal([R1, R2]);
    gate.stop();
  });

  it('review5: a held write is not acknowledged when the in-sync set empties while the lease is lapsing', () => {
    // P resumes after a stop longer than its lease; before the coordinator's promotion commits, P's own
    // laggard transaction empties the in-sync set. Acking now would lose the write when the coordinator
    // then removes the shard (no live in-sync replica left to promote).
    const { gate, source, agent, c } = setup([R1, R2]);
    source.offset = 10;
    c.out.ok();
    gate.hold(c);
    agent.fenced = true; // registration lost / lease about to end
    agent.view = new ClusterView(topo([], 4), [P, R1, R2]);
    gate.onView();
    expect(c.waitOffset, 'still held').to.equal(10);
    expect(gate.passed(10)).to.equal(false);
    agent.fenced = false; // lease renewed
    gate.release();
    expect(c.waitOffset).to.equal(0);
    gate.stop();
  });

  it('demoted with replies held: those clients are closed, never told OK', () => {
    const { gate, source, agent, c } = setup([R1]);
    source.offset = 5;
    gate.hold(c);
    agent.isPrimary = false;
    gate.onView();
    expect(c.closed || c.closeAfterReply).to.equal(true);
    expect(c.waitOffset).to.equal(0);
  });

  describe('read vouches (issue 10: a primary answers reads only while its in-sync replicas follow it)', () => {
    const tick = (gate: AckGate) => (gate as unknown as { tick(): void }).tick();

    it('every in-sync replica vouches by acknowledging bytes produced after a sampled moment; a vouch lasts PRIMARY_READ_VOUCH_MS', () => {
      const { n, gate, source } = setup([R1, R2]);
      expect(gate.readsVouched(), 'no acknowledgement yet').to.equal(false);
      tick(gate); // sample (offset 0, t0)
      source.offset = 20; // a heartbeat PING streamed after t0
      gate.acked(R1, 20);
      expect(gate.readsVouched(), 'R2 has not vouched').to.equal(false);
      gate.acked(R2, 20);
      expect(gate.readsVouched()).to.equal(true);
      // An acknowledgement of nothing newer (the per-second ack of an idle replica) renews nothing.
      n.clock.advance(PRIMARY_READ_VOUCH_MS - 1);
      tick(gate); // sample (20, t0 + 399)
      gate.acked(R1, 20);
      gate.acked(R2, 20);
      expect(gate.readsVouched()).to.equal(true);
      n.clock.advance(1);
      expect(gate.readsVouched(), 'vouch expired').to.equal(false);
      source.offset = 40;
      gate.acked(R1, 40);
      gate.acked(R2, 40);
      expect(gate.readsVouched(), 'renewed by acks of newer bytes').to.equal(true);
      gate.sync = false;
      expect(gate.readsVouched(), 'async mode: the lease decides (membership.ts)').to.equal(false);
    });

    it('a replica that stops acknowledging the stream is taken out after LAG_MS even with no write held; a frozen primary blames no one', async () => {
      const { n, gate, source, acks, changes } = setup([R1, R2]);
      const stream = (bytes: number, ackers: string[]) => {
        source.offset += bytes;
        for (const id of ackers) {
          acks.set(id, source.offset);
          gate.acked(id, source.offset);
        }
      };
      tick(gate);
      stream(14, [R1, R2]);
      // This primary frozen for a second (no tick, nothing streamed): its replicas acknowledged all it sent.
      n.clock.advance(1000);
      tick(gate);
      expect(changes, 'after the primary thawed').to.deep.equal([]);
      for (let t = 0; t < LAG_MS; t += 100) {
        stream(14, [R1]); // R1 keeps following, R2 is frozen
        n.clock.advance(100);
        tick(gate);
      }
      expect(changes).to.deep.equal([]);
      stream(14, [R1]);
      n.clock.advance(100);
      tick(gate);
      expect(changes).to.deep.equal([[R1]]);
      gate.stop();
    });

    it('a promoted replica acknowledges no write until PROMOTION_HOLD_MS after it last heard its old primary', () => {
      const { n, gate, source, c, agent } = setup([]);
      Object.defineProperty(n.node.repl, 'oldPrimaryHeardAt', { value: n.clock.now() - 100, configurable: true });
      source.offset = 10;
      gate.hold(c);
      expect(c.waitOffset, 'held though no replica is required').to.equal(10);
      expect(gate.passed(10)).to.equal(false);
      n.clock.advance(PROMOTION_HOLD_MS - 101);
      gate.release();
      expect(c.waitOffset).to.equal(10);
      n.clock.advance(1);
      gate.release();
      expect(c.waitOffset).to.equal(0);
      source.offset = 20;
      gate.hold(c);
      expect(c.waitOffset, 'after the hold: nothing held without required replicas').to.equal(0);
      agent.isPrimary = false;
      gate.stop();
    });
  });
});
