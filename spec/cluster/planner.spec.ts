import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { EMPTY_TOPOLOGY, PlanResult, Registration, finalizeMigrations, plan } from '../../lib/cluster/planner';
import { assignSlots, movedSlots, ownerOf } from '../../lib/cluster/ring';
import { SLOTS } from '../../lib/cluster/slots';
import { Topology, validateTopology } from '../../lib/cluster/topology';

const V = 64; // virtual nodes per shard in these specs (fewer than the default: faster, same rules)
const nodeId = (name: string): string => createHash('sha1').update(name).digest('hex');
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(nodeId);
const sid = (id: string): string => id.slice(0, 12);
const reg = (port: number, state: Registration['state'] = 'up'): Registration => ({ addr: { ip: '127.0.0.1', port }, state });
const PORTS: Record<string, number> = { [A]: 7001, [B]: 7002, [C]: 7003, [D]: 7004 };
const liveOf = (ids: string[], leaving: string[] = []): Map<string, Registration> =>
  new Map([...ids, ...leaving].map((id) => [id, reg(PORTS[id] ?? 7100, leaving.includes(id) ? 'leaving' : 'up')]));

/** owners[slot] of a topology. */
function owners(t: Topology): (string | null)[] {
  const o = new Array<string | null>(SLOTS).fill(null);
  for (const [s, e, id] of t.slots) o.fill(id, s, e + 1);
  return o;
}

/** Valid, normalised, ranges maximal. */
function expectWellFormed(t: Topology): void {
  const text = JSON.stringify(t); // strings, not deep.equal: far cheaper on topologies with thousands of migrations
  expect(JSON.stringify(validateTopology(JSON.parse(text)))).to.equal(text);
  for (let i = 1; i < t.slots.length; i++) {
    const [prev, cur] = [t.slots[i - 1], t.slots[i]];
    if (prev[1] + 1 === cur[0] && prev[2] === cur[2]) expect.fail(`ranges ${prev} and ${cur} should be one`);
  }
}

/** plan() that must change something: checks version + 1 and well-formedness. */
function step(t: Topology, live: Map<string, Registration>, vnodes = V): PlanResult {
  const r = plan(t, live, vnodes);
  expect(r, 'plan() should change the topology').to.not.equal(null);
  expect(r!.topology.version).to.equal(t.version + 1);
  expect(r!.changes.length).to.be.greaterThan(0);
  expectWellFormed(r!.topology);
  return r!;
}

/** Finalizes every migration, one call per source shard. */
function finalizeAll(t: Topology): Topology {
  for (const from of new Set(t.migrating.map((m) => m.from))) {
    const next = finalizeMigrations(t, from, t.migrating.filter((m) => m.from === from).map((m) => m.slot));
    expect(next!.version).to.equal(t.version + 1);
    expectWellFormed(next!);
    t = next!;
  }
  return t;
}

/** Finalizes, plans and finalizes again until plan() returns null and no migration is left. */
function settle(t: Topology, live: Map<string, Registration>, vnodes = V): Topology {
  t = finalizeAll(t);
  for (let r = plan(t, live, vnodes); r !== null; r = plan(t, live, vnodes)) t = finalizeAll(r.topology);
  expect(t.migrating).to.deep.equal([]);
  return t;
}

function expectOwnersAsRing(t: Topology, shardIds: string[], vnodes = V): void {
  const ring = assignSlots(shardIds, vnodes);
  const o = owners(t);
  for (let s = 0; s < SLOTS; s++) if (o[s] !== ownerOf(ring, s)) expect.fail(`slot ${s}: ${o[s]} instead of ${ownerOf(ring, s)}`);
}

describe('cluster/planner', () => {
  it('EMPTY_TOPOLOGY is version 0 with nothing in it, and plan() with no nodes changes nothing', () => {
    expect(EMPTY_TOPOLOGY).to.deep.equal({ version: 0, nodes: {}, shards: {}, slots: [], migrating: [] });
    expect(plan(EMPTY_TOPOLOGY, new Map(), V)).to.equal(null);
    expect(plan(EMPTY_TOPOLOGY, liveOf([], [A]), V), 'a leaving node never joins').to.equal(null);
  });

  it('the first node gets all slots directly, epoch = version', () => {
    const r = step(EMPTY_TOPOLOGY, liveOf([A]));
    expect(r.topology).to.deep.equal({
      version: 1,
      nodes: { [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: sid(A), role: 'primary', epoch: 1 } },
      shards: { [sid(A)]: { primary: A, replicas: [], inSync: [] } },
      slots: [[0, SLOTS - 1, sid(A)]],
      migrating: [],
    });
    expect(r.reassigned).to.equal(0);
    expect(plan(r.topology, liveOf([A]), V)).to.equal(null);
  });

  it('a joining node gets migrations for exactly the slots the ring moves to it; stable once finalized', () => {
    let t = settle(EMPTY_TOPOLOGY, liveOf([A]));
    for (const [joiner, before] of [
      [B, [A]],
      [C, [A, B]],
    ] as const) {
      const ids = [...before, joiner];
      const r = step(t, liveOf(ids));
      const moves = movedSlots(assignSlots(before.map(sid), V), assignSlots(ids.map(sid), V));
      expect(moves.length).to.be.greaterThan(0);
      expect(r.topology.migrating).to.deep.equal(moves.map((m) => ({ slot: m.slot, from: m.from, to: sid(joiner) })));
      expect(owners(r.topology)).to.deep.equal(owners(t), 'ownership does not change before the migrations end');
      expect(r.topology.nodes[joiner].epoch).to.equal(r.topology.version);
      for (const id of before) expect(r.topology.nodes[id].epoch).to.equal(t.nodes[id].epoch);
      expect(plan(r.topology, liveOf(ids), V), 'nothing more to do while migrating').to.equal(null);
      t = finalizeAll(r.topology);
      expect(t.nodes[joiner].epoch).to.equal(t.version);
      expectOwnersAsRing(t, ids.map(sid));
      expect(plan(t, liveOf(ids), V)).to.equal(null);
    }
  });

  it('finalizeMigrations applies only the slots still migrating from that shard', () => {
    const t = step(settle(EMPTY_TOPOLOGY, liveOf([A])), liveOf([A, B])).topology;
    const [m0, m1] = t.migrating;
    expect(finalizeMigrations(t, sid(B), [m0.slot]), 'wrong source').to.equal(null);
    const unmigrating = [...Array(SLOTS).keys()].find((s) => !t.migrating.some((m) => m.slot === s))!;
    expect(finalizeMigrations(t, sid(A), [unmigrating]), 'slot not migrating').to.equal(null);
    const f = finalizeMigrations(t, sid(A), [m0.slot, m0.slot, unmigrating])!;
    expectWellFormed(f);
    expect(f.version).to.equal(t.version + 1);
    expect(f.migrating).to.deep.equal(t.migrating.slice(1));
    expect(owners(f)[m0.slot]).to.equal(sid(B));
    expect(owners(f)[m1.slot]).to.equal(sid(A));
    expect(f.nodes[B].epoch).to.equal(f.version);
    expect(f.nodes[A].epoch).to.equal(t.nodes[A].epoch);
    expect(plan(f, liveOf([A, B]), V), 'a partly finished migration is left alone').to.equal(null);
  });

  it('a dead node: shard removed, its slots owned directly by the survivors per the ring', () => {
    const t = settle(EMPTY_TOPOLOGY, liveOf([A, B, C]));
    const bSlots = owners(t).filter((o) => o === sid(B)).length;
    const r = step(t, liveOf([A, C]));
    expect(r.reassigned).to.equal(bSlots);
    expect(r.topology.nodes).to.not.have.property(B);
    expect(r.topology.shards).to.not.have.property(sid(B));
    expect(r.topology.migrating).to.deep.equal([]);
    expectOwnersAsRing(r.topology, [sid(A), sid(C)]);
    for (const id of [A, C]) expect(r.topology.nodes[id].epoch).to.equal(r.topology.version);
    expect(plan(r.topology, liveOf([A, C]), V)).to.equal(null);
  });

  it('a dead node: migrations from or to it are dropped, the others kept', () => {
    const t = step(settle(EMPTY_TOPOLOGY, liveOf([A, B])), liveOf([A, B, C])).topology; // A, B -> C migrating
    const deadTarget = step(t, liveOf([A, B]));
    expect(deadTarget.topology.migrating).to.deep.equal([]);
    expect(deadTarget.reassigned).to.equal(0);
    expect(owners(deadTarget.topology)).to.deep.equal(owners(t));

    const deadSource = step(t, liveOf([A, C]));
    expect(deadSource.topology.migrating).to.deep.equal(t.migrating.filter((m) => m.from === sid(A)));
    expect(deadSource.reassigned).to.equal(owners(t).filter((o) => o === sid(B)).length);
    const ring = assignSlots([sid(A), sid(C)], V);
    const o = owners(deadSource.topology);
    owners(t).forEach((was, s) => was === sid(B) && expect(o[s]).to.equal(ownerOf(ring, s)));
  });

  it('a leaving node migrates all its slots to the shards the ring names, then is removed', () => {
    const t = settle(EMPTY_TOPOLOGY, liveOf([A, B, C]));
    const live = liveOf([A, B], [C]);
    const r = step(t, live);
    const ring = assignSlots([sid(A), sid(B)], V);
    const cSlots = owners(t).flatMap((o, s) => (o === sid(C) ? [s] : []));
    expect(r.topology.migrating).to.deep.equal(cSlots.map((s) => ({ slot: s, from: sid(C), to: ownerOf(ring, s) })));
    expect(r.topology.nodes).to.have.property(C);
    expect(plan(r.topology, live, V)).to.equal(null);
    const done = finalizeAll(r.topology);
    const gone = step(done, live);
    expect(gone.topology.nodes).to.not.have.property(C);
    expect(gone.topology.shards).to.not.have.property(sid(C));
    expect(gone.topology.slots).to.deep.equal(done.slots);
    expect(gone.reassigned).to.equal(0);
    expect(plan(gone.topology, live, V)).to.equal(null);
  });

  it('a lone leaving node is removed at once, and so are leaving nodes whose last peer dies', () => {
    const r = step(settle(EMPTY_TOPOLOGY, liveOf([A])), liveOf([], [A]));
    expect(r.topology).to.deep.equal({ version: r.topology.version, nodes: {}, shards: {}, slots: [], migrating: [] });
    const t = step(settle(EMPTY_TOPOLOGY, liveOf([A, B])), liveOf([A], [B])).topology; // B migrating to A
    const r2 = step(t, liveOf([], [B]));
    expect(r2.topology.nodes).to.deep.equal({});
    expect(r2.topology.slots).to.deep.equal([]);
    expect(r2.topology.migrating).to.deep.equal([]);
  });

  it('an address change updates addr only', () => {
    const t = settle(EMPTY_TOPOLOGY, liveOf([A, B]));
    const live = liveOf([A, B]);
    live.set(B, { addr: { ip: '10.0.0.2', port: 7777, cport: 17777 }, state: 'up' });
    const r = step(t, live);
    expect(r.changes).to.have.length(1);
    expect(r.topology).to.deep.equal({ ...t, version: t.version + 1, nodes: { ...t.nodes, [B]: { ...t.nodes[B], addr: { ip: '10.0.0.2', port: 7777, cport: 17777 } } } });
  });

  it('a migration in progress is left untouched even when the ring now wants another owner', () => {
    const t = step(settle(EMPTY_TOPOLOGY, liveOf([A, B])), liveOf([A, B, C])).topology;
    const r = step(t, liveOf([A, B, C, D]));
    const ring = assignSlots([A, B, C, D].map(sid), V);
    expect(t.migrating.some((m) => ownerOf(ring, m.slot) === sid(D)), 'the spec needs a retargeted slot').to.equal(true);
    const kept = new Set(t.migrating.map((m) => m.slot));
    expect(r.topology.migrating.filter((m) => kept.has(m.slot))).to.deep.equal(t.migrating);
    expect(r.topology.migrating.filter((m) => !kept.has(m.slot)).every((m) => m.to === sid(D))).to.equal(true);
    const t2 = settle(r.topology, liveOf([A, B, C, D]));
    expectOwnersAsRing(t2, [A, B, C, D].map(sid));
  });

  it('a shard id collision falls back to the full node id', () => {
    const x = 'abcdefabcdef' + '1'.repeat(28);
    const y = 'abcdefabcdef' + '2'.repeat(28);
    const z = 'abcdefabcdef' + '3'.repeat(28);
    const r = step(EMPTY_TOPOLOGY, new Map([[y, reg(7002)], [x, reg(7001)]]));
    expect(r.topology.nodes[x].shard).to.equal('abcdefabcdef');
    expect(r.topology.nodes[y].shard).to.equal(y);
    const r2 = step(settle(r.topology, new Map([[x, reg(7001)], [y, reg(7002)]])), new Map([[x, reg(7001)], [y, reg(7002)], [z, reg(7003)]]));
    expect(r2.topology.nodes[z].shard).to.equal(z);
  });

  it('randomized joins, deaths, leaves and finalizes keep every invariant', () => {
    const RV = 16; // few vnodes: fast, and it does not change the rules
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const pool = Array.from({ length: 8 }, (_, i) => nodeId(`random-${i}`));
    const live = new Map<string, Registration>();
    let t: Topology = EMPTY_TOPOLOGY;
    const seen = new Set<string>(); // kinds of change met, so the walk is known to cover them all
    for (let i = 0; i < 150; i++) {
      const id = pool[rnd(pool.length)];
      const op = rnd(6); // 0 join, 1 death, 2 leave, 3..5 finalize (migrations must finish for leaves to end)
      if (op === 0) live.set(id, reg(8000 + pool.indexOf(id)));
      else if (op === 1) live.delete(id);
      else if (op === 2 && live.has(id)) live.set(id, { ...live.get(id)!, state: 'leaving' });
      else if (t.migrating.length > 0) {
        const from = t.migrating[rnd(t.migrating.length)].from;
        const all = rnd(2) === 0; // all of that source's slots, or a random half (commits come in any order)
        t = finalizeMigrations(t, from, t.migrating.filter((m) => m.from === from && (all || rnd(2) === 0)).map((m) => m.slot)) ?? t;
      }
      const r = plan(t, live, RV);
      if (r === null) continue;
      expect(r.topology.version).to.equal(t.version + 1);
      t = r.topology;
      expectWellFormed(t);
      expect(plan(t, live, RV), 'plan() is idempotent').to.equal(null);
      // Plain loops with expect.fail: a chai expect per migration dominated the run time.
      for (const n of Object.keys(t.nodes)) if (!live.has(n)) expect.fail(`dead node ${n} in the topology`);
      for (const m of t.migrating) if (!live.has(t.shards[m.to].primary) || !live.has(t.shards[m.from].primary)) expect.fail(`migration ${JSON.stringify(m)} involves a dead shard`);
      for (const c of r.changes) seen.add(c.replace(/^.*\b(dead|left|joined|migrating|assigned)\b.*$/, '$1'));
      for (const n of Object.values(t.nodes)) if (n.epoch > t.version) expect.fail(`epoch ${n.epoch} > version ${t.version}`);
      const up = Object.values(t.shards).filter((s) => live.get(s.primary)!.state === 'up');
      if (up.length > 0) expect(owners(t).every((o) => o !== null), 'every slot owned').to.equal(true);
      else expect(t.slots).to.deep.equal([]);
    }
    expect([...seen].sort()).to.include.members(['assigned', 'dead', 'joined', 'left', 'migrating']);
    for (const id of pool) live.set(id, reg(8000 + pool.indexOf(id)));
    t = settle(t, live, RV);
    expect(Object.keys(t.shards)).to.have.length(pool.length);
    expectOwnersAsRing(t, Object.keys(t.shards), RV);
  });
});
