import { expect } from 'chai';
import { SLOTS } from '../../lib/util/slots';
import { parseTopology, serializeTopology, Topology, TopologyError, validateTopology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';

// The ids, ports and epochs of the real 3-shard redis-server 7.0.15 cluster the reply specs compare with
// (redis-cli --cluster create on 3 nodes, a 4th added as replica of the first, slot 100 migrating 1 -> 2).
export const A = '70386ee7a96a6b1a5067acb3d035cd5fc95bface'; // 127.0.0.1:17101, shard s1, epoch 1
export const B = '743830217a855004fd70e78d5c096798928d0a66'; // 127.0.0.1:17102, shard s2, epoch 2
export const C = '15be735dc44d431ad282126f0a7a864965e2b2f5'; // 127.0.0.1:17103, shard s3, epoch 3
export const R = 'dfa5e2801a2e58d7f9445d987aa64693c4eb7afb'; // 127.0.0.1:17104, replica of A

/** A fresh JSON-level copy of the fixture, for specs to mutate. */
export function fixture(): any {
  const addr = (port: number) => ({ ip: '127.0.0.1', port });
  return {
    version: 3,
    nodes: {
      [A]: { addr: addr(17101), shard: 's1', role: 'primary', epoch: 1 },
      [B]: { addr: addr(17102), shard: 's2', role: 'primary', epoch: 2 },
      [C]: { addr: addr(17103), shard: 's3', role: 'primary', epoch: 3 },
      [R]: { addr: addr(17104), shard: 's1', role: 'replica', epoch: 0 },
    },
    shards: {
      s1: { primary: A, replicas: [R], inSync: [R] },
      s2: { primary: B, replicas: [], inSync: [] },
      s3: { primary: C, replicas: [], inSync: [] },
    },
    slots: [
      [10923, 16383, 's3'],
      [0, 5460, 's1'],
      [5461, 10922, 's2'],
    ],
    migrating: [{ slot: 100, from: 's1', to: 's2' }],
  };
}

export const TOPOLOGY: Topology = validateTopology(fixture());

function rejects(mutate: (t: any) => void, message: RegExp): void {
  const t = fixture();
  mutate(t);
  const text = JSON.stringify(t);
  expect(() => parseTopology(text)).to.throw(TopologyError, message);
}

describe('cluster/topology', () => {
  it('parses the stored JSON, normalising slot ranges into slot order', () => {
    const t = parseTopology(JSON.stringify(fixture()));
    expect(t.version).to.equal(3);
    expect(t.slots).to.deep.equal([
      [0, 5460, 's1'],
      [5461, 10922, 's2'],
      [10923, 16383, 's3'],
    ]);
    expect(t.nodes[R]).to.deep.equal({ addr: { ip: '127.0.0.1', port: 17104 }, shard: 's1', role: 'replica', epoch: 0 });
    expect(t.shards.s1).to.deep.equal({ primary: A, replicas: [R], inSync: [R] });
  });

  it('serialize -> parse round-trips, and the text is canonical whatever the key order', () => {
    const text = serializeTopology(TOPOLOGY);
    expect(parseTopology(text)).to.deep.equal(TOPOLOGY);
    const shuffled = fixture();
    shuffled.nodes = Object.fromEntries(Object.entries(shuffled.nodes).reverse());
    shuffled.slots.reverse();
    expect(serializeTopology(validateTopology(shuffled))).to.equal(text);
    expect(JSON.parse(text).slots[0]).to.deep.equal([0, 5460, 's1']);
  });

  it('keeps optional cport and hostname, ignores unknown keys', () => {
    const t = fixture();
    t.nodes[A].addr.cport = 16001;
    t.nodes[A].addr.hostname = 'a.example';
    t.futureField = 1;
    t.nodes[B].future = true;
    const parsed = parseTopology(JSON.stringify(t));
    expect(parsed.nodes[A].addr).to.deep.equal({ ip: '127.0.0.1', port: 17101, cport: 16001, hostname: 'a.example' });
    expect(parsed).to.not.have.property('futureField');
    expect(parsed.nodes[B]).to.not.have.property('future');
  });

  it('accepts an empty cluster and a spare primary without a shard', () => {
    const empty = parseTopology('{"version":0,"nodes":{},"shards":{},"slots":[],"migrating":[]}');
    expect(empty.slots).to.deep.equal([]);
    const t = fixture();
    t.nodes['0'.repeat(40)] = { addr: { ip: '127.0.0.1', port: 17105 }, shard: null, role: 'primary', epoch: 0 };
    expect(parseTopology(JSON.stringify(t)).nodes['0'.repeat(40)].shard).to.equal(null);
  });

  it('rejects text that is not JSON or not an object', () => {
    expect(() => parseTopology('{')).to.throw(TopologyError, /not JSON/);
    expect(() => parseTopology('[]')).to.throw(TopologyError, /\$: expected an object/);
  });

  it('rejects overlapping slot ranges', () => {
    rejects((t) => t.slots.push([5460, 5460, 's2']), /ranges 0-5460 and 5460-5460 overlap/);
    rejects((t) => (t.slots[1] = [0, 5461, 's1']), /overlap/);
  });

  it('rejects bad slot ranges', () => {
    rejects((t) => t.slots.push([16384, 16384, 's1']), /\$\.slots\[3\]\[0\]: expected an integer in \[0, 16383\]/);
    rejects((t) => (t.slots[0] = [20, 10, 's3']), /\$\.slots\[0\]\[1\]/);
    rejects((t) => (t.slots[0] = [1.5, 10, 's3']), /integer/);
    rejects((t) => (t.slots[0] = [0, 10]), /expected \[start, end, shardId\]/);
  });

  it('rejects an unknown shard anywhere it is named', () => {
    rejects((t) => (t.slots[0][2] = 's9'), /\$\.slots\[0\]\[2\]: unknown shard s9/);
    rejects((t) => (t.nodes[B].shard = 's9'), /\$\.shards\.s2\.primary: node 7438.* is not a primary of shard s2/);
    rejects((t) => (t.migrating[0].to = 's9'), /\$\.migrating\[0\]\.to: unknown shard s9/);
  });

  it('rejects bad node ids', () => {
    rejects((t) => (t.nodes['ABC'] = t.nodes[A]), /\$\.nodes\.ABC: bad node id/);
    rejects((t) => (t.nodes[A.toUpperCase()] = t.nodes[A]), /bad node id/);
    rejects((t) => (t.shards.s2.primary = 'x'), /\$\.shards\.s2\.primary: bad node id "x"/);
    rejects((t) => (t.shards.s2.replicas = ['1'.repeat(40)]), /\$\.shards\.s2\.replicas\[0\]: unknown node 1{40}/);
    rejects((t) => (t.shards.s1.replicas = [R, R]), /duplicate node id/);
  });

  it('rejects inconsistent shard membership', () => {
    rejects((t) => (t.shards.s1.replicas = []), /\$\.shards\.s1\.inSync\[0\]: node dfa5.* is not a replica of shard s1/);
    rejects((t) => ((t.shards.s1.replicas = []), (t.shards.s1.inSync = [])), /\$\.nodes\.dfa5.*\.shard: shard s1 does not list this node/);
    rejects((t) => (t.nodes[R].shard = null), /a replica must belong to a shard/);
    rejects((t) => (t.nodes[R].role = 'slave'), /expected "primary" or "replica"/);
    rejects((t) => (t.shards.s2.replicas = [R]), /\$\.shards\.s2\.replicas\[0\]: node dfa5.* is not a replica of shard s2/);
  });

  it('rejects bad fields', () => {
    rejects((t) => (t.version = -1), /\$\.version/);
    rejects((t) => delete t.migrating, /\$\.migrating: expected an array/);
    rejects((t) => (t.nodes[A].addr.port = 70000), /\$\.nodes\.7038.*\.addr\.port/);
    rejects((t) => (t.nodes[A].addr.ip = ''), /addr\.ip: expected a non-empty string/);
  });

  it('rejects migrations of a slot not owned by `from`, to itself, or twice', () => {
    rejects((t) => (t.migrating[0].from = 's3'), /slot 100 is not owned by shard s3/);
    rejects((t) => (t.migrating[0].to = 's1'), /cannot migrate to its own shard/);
    rejects((t) => t.migrating.push({ slot: 100, from: 's1', to: 's3' }), /slot 100 migrates twice/);
  });

  it('serializeTopology refuses an invalid topology', () => {
    const bad = { ...TOPOLOGY, slots: [...TOPOLOGY.slots, [0, 0, 's2'] as const] };
    expect(() => serializeTopology(bad)).to.throw(TopologyError, /overlap/);
  });
});

describe('cluster/view', () => {
  const view = new ClusterView(TOPOLOGY, [A, B, C, R]);

  it('ownerOfSlot answers for every slot, and null out of range', () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      const want = slot <= 5460 ? 's1' : slot <= 10922 ? 's2' : 's3';
      if (view.ownerOfSlot(slot) !== want) expect.fail(`slot ${slot}: ${view.ownerOfSlot(slot)} != ${want}`);
    }
    expect(view.ownerOfSlot(-1)).to.equal(null);
    expect(view.ownerOfSlot(SLOTS)).to.equal(null);
    expect(view.assignedSlots).to.equal(SLOTS);
  });

  it('leaves uncovered slots unassigned and splits runs around holes', () => {
    const t = fixture();
    t.slots = [[0, 9, 's1'], [20, 29, 's1'], [10, 10, 's2']];
    t.migrating = [{ slot: 25, from: 's1', to: 's3' }];
    const v = new ClusterView(validateTopology(t), []);
    expect(v.ownerOfSlot(15)).to.equal(null);
    expect(v.ownerOfSlot(10)).to.equal('s2');
    expect(v.slotRanges('s1')).to.deep.equal([[0, 9], [20, 29]]);
    expect(v.slotRanges('s3')).to.deep.equal([]);
    expect(v.assignedSlots).to.equal(21);
    expect(v.migratingOut(25)).to.equal('s3');
    expect(v.importingIn(25)).to.equal('s1');
  });

  it('merges adjacent ranges of one shard into one run', () => {
    const t = fixture();
    t.slots = [[0, 99, 's1'], [100, 16383, 's1']];
    t.migrating = [];
    expect(new ClusterView(validateTopology(t), []).slotRanges('s1')).to.deep.equal([[0, 16383]]);
  });

  it('answers node, shard and address lookups', () => {
    expect(view.primaryOf('s1')).to.equal(A);
    expect(view.primaryOf('nope')).to.equal(null);
    expect(view.primaryOfSlot(6000)).to.equal(B);
    expect(view.addrOf(C)).to.deep.equal({ ip: '127.0.0.1', port: 17103 });
    expect(view.addrOf('0'.repeat(40))).to.equal(undefined);
    expect(view.slotRanges('s2')).to.deep.equal([[5461, 10922]]);
    expect(view.shardIds).to.deep.equal(['s1', 's2', 's3']);
    expect(view.nodeIds).to.deep.equal([C, A, B, R]);
    expect(view.configEpochOf(R)).to.equal(1); // a replica shows its primary's epoch, as Redis
    expect(view.configEpochOf(C)).to.equal(3);
  });

  it('answers migration lookups for every slot', () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      const out = view.migratingOut(slot);
      const inn = view.importingIn(slot);
      if (slot === 100 ? out !== 's2' || inn !== 's1' : out !== null || inn !== null) expect.fail(`slot ${slot}: ${out} ${inn}`);
    }
  });

  it('keeps only known nodes as live', () => {
    const v = new ClusterView(TOPOLOGY, [A, '0'.repeat(40)]);
    expect(v.isLive(A)).to.equal(true);
    expect(v.isLive(R)).to.equal(false);
    expect([...v.liveNodes]).to.deep.equal([A]);
  });

  it('is immutable and independent of the topology object it was built from', () => {
    const t = validateTopology(fixture());
    const v = new ClusterView(t, []);
    (t.shards as any).s1 = { primary: B, replicas: [], inSync: [] };
    expect(v.primaryOf('s1')).to.equal(A);
    expect(Object.isFrozen(v)).to.equal(true);
    expect(Object.isFrozen(v.topology.nodes[A].addr)).to.equal(true);
    expect(() => ((v.slotRanges('s1') as any).push([1, 2]))).to.throw(TypeError);
    expect(() => ((v as any).version = 9)).to.throw(TypeError);
  });
});
