import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { EMPTY_TOPOLOGY, PlanOptions, PlanResult, Registration, finalizeMigrations, forgetShard, lostShards, plan, promote, setInSync } from '../../lib/cluster/planner';
import { assignSlots, movedSlots, ownerOf } from '../../lib/cluster/ring';
import { SLOTS } from '../../lib/util/slots';
import { Topology, validateTopology } from '../../lib/cluster/topology';

/** cluster-lost-slots reassign: today's availability-first behaviour (the default is keep). */
const REASSIGN: PlanOptions = { lostSlots: 'reassign' };
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
function step(t: Topology, live: Map<string, Registration>, vnodes = V, opts?: PlanOptions): PlanResult {
  const r = plan(t, live, vnodes, opts);
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
function settle(t: Topology, live: Map<string, Registration>, vnodes = V, opts?: PlanOptions): Topology {
  t = finalizeAll(t);
  for (let r = plan(t, live, vnodes, opts); r !== null; r = plan(t, live, vnodes, opts)) t = finalizeAll(r.topology);
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
    const r = step(t, liveOf([A, C]), V, REASSIGN);
    expect(r.reassigned).to.equal(bSlots);
    expect(r.topology.nodes).to.not.have.property(B);
    expect(r.topology.shards).to.not.have.property(sid(B));
    expect(r.topology.migrating).to.deep.equal([]);
    expectOwnersAsRing(r.topology, [sid(A), sid(C)]);
    for (const id of [A, C]) expect(r.topology.nodes[id].epoch).to.equal(r.topology.version);
    expect(plan(r.topology, liveOf([A, C]), V, REASSIGN)).to.equal(null);
  });

  it('a dead node: migrations from or to it are dropped, the others kept', () => {
    const t = step(settle(EMPTY_TOPOLOGY, liveOf([A, B])), liveOf([A, B, C])).topology; // A, B -> C migrating
    const deadTarget = step(t, liveOf([A, B]), V, REASSIGN);
    expect(deadTarget.topology.migrating).to.deep.equal([]);
    expect(deadTarget.reassigned).to.equal(0);
    expect(owners(deadTarget.topology)).to.deep.equal(owners(t));

    const deadSource = step(t, liveOf([A, C]), V, REASSIGN);
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
    const r2 = step(t, liveOf([], [B]), V, REASSIGN);
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
      const r = plan(t, live, RV, REASSIGN);
      if (r === null) continue;
      expect(r.topology.version).to.equal(t.version + 1);
      t = r.topology;
      expectWellFormed(t);
      expect(plan(t, live, RV, REASSIGN), 'plan() is idempotent').to.equal(null);
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

describe('cluster/planner with replicas (issue 5)', () => {
  const R2: PlanOptions = { replicas: 2 };
  const R2R: PlanOptions = { replicas: 2, lostSlots: 'reassign' };
  // Nine nodes named so that sorted ids give three shards of three when they join one by one in this order.
  const N = Array.from({ length: 9 }, (_, i) => nodeId(`replica-spec-${i}`));
  const port = (id: string): number => 9000 + N.indexOf(id);
  const liveN = (ids: string[], leaving: string[] = []): Map<string, Registration> =>
    new Map([...ids, ...leaving].map((id) => [id, reg(port(id), leaving.includes(id) ? 'leaving' : 'up')]));

  /** Nodes joining one plan each (settled in between), with replicas 2. */
  function build(ids: string[]): Topology {
    let t: Topology = EMPTY_TOPOLOGY;
    for (let i = 1; i <= ids.length; i++) t = settle(t, liveN(ids.slice(0, i)), V, R2);
    return t;
  }

  /** A settled 2-shard cluster: N0 + N1, N2 and N3 + N4, N5, every replica in sync. */
  function twoFullShards(): Topology {
    let t = build(N.slice(0, 6));
    for (const s of Object.keys(t.shards)) t = setInSync(t, s, t.shards[s].replicas)!;
    return t;
  }

  it('with replicas 0 (the default) every join still opens a shard', () => {
    const t = settle(EMPTY_TOPOLOGY, liveN(N.slice(0, 3)), V, { replicas: 0 });
    expect(Object.keys(t.shards)).to.have.length(3);
    expect(settle(EMPTY_TOPOLOGY, liveN(N.slice(0, 3)))).to.deep.equal(t);
  });

  it('nodes joining one by one fill a shard to 1 primary + 2 replicas before a second shard opens', () => {
    let t: Topology = EMPTY_TOPOLOGY;
    const joinLog: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = step(t, liveN(N.slice(0, i + 1)), V, R2);
      joinLog.push(...r.changes.filter((c) => c.includes('joined')));
      t = settle(r.topology, liveN(N.slice(0, i + 1)), V, R2);
      const shards = Object.values(t.shards);
      expect(shards.length, `after ${i + 1} joins`).to.equal(Math.floor(i / 3) + 1);
      const counts = shards.map((s) => s.replicas.length).sort((a, b) => a - b);
      expect(counts, `after ${i + 1} joins`).to.deep.equal(shards.length === 1 ? [i] : i < 6 ? [i - 3, 2] : [0, 2, 2]);
    }
    expect(t.shards[sid(N[0])]).to.deep.equal({ primary: N[0], replicas: [N[1], N[2]], inSync: [] });
    expect(t.shards[sid(N[3])]).to.deep.equal({ primary: N[3], replicas: [N[4], N[5]], inSync: [] });
    expect(t.nodes[N[1]]).to.deep.include({ shard: sid(N[0]), role: 'replica' });
    expect(joinLog[1]).to.equal(`node ${N[1]} joined at 127.0.0.1:${port(N[1])} as a replica of shard ${sid(N[0])}`);
    expect(joinLog[3]).to.equal(`node ${N[3]} joined at 127.0.0.1:${port(N[3])} as shard ${sid(N[3])}`);
    expectOwnersAsRing(t, [N[0], N[3], N[6]].map(sid));
  });

  it('a join fills the shard with the fewest replicas, ties to the smallest shard id; never a leaving shard', () => {
    const t = twoFullShards(); // N0 {N1, N2}, N3 {N4, N5}
    const [lo, hi] = [sid(N[0]), sid(N[3])].sort();
    const both = step(t, liveN([N[0], N[3], N[1], N[4]]), V, R2).topology; // each shard lost one replica
    const r = step(both, liveN([N[0], N[3], N[1], N[4], N[6]]), V, R2);
    expect(r.topology.nodes[N[6]].shard).to.equal(lo);
    const one = step(t, liveN([N[0], N[3], N[1], N[2], N[4]]), V, R2).topology; // N3's shard lost N5
    expect(step(one, liveN([N[0], N[3], N[1], N[2], N[4], N[6]]), V, R2).topology.nodes[N[6]].shard).to.equal(sid(N[3]));
    // The same tie with lo's primary leaving (and nothing in sync, so it is not switched over): hi.
    const loP = both.shards[lo].primary;
    const live = liveN([both.shards[hi].primary, ...both.shards[lo].replicas, ...both.shards[hi].replicas, N[6]], [loP]);
    const l = step(setInSync(both, lo, [])!, live, V, R2).topology;
    expect(l.shards[lo].primary).to.equal(loP);
    expect(l.nodes[N[6]].shard, 'not the leaving shard').to.equal(hi);
  });

  it('a dead primary with in-sync replicas: the highest offset one takes over in one plan, no slot moves', () => {
    let t = step(twoFullShards(), liveN(N.slice(0, 7)), V, { replicas: 1 }).topology; // N6 opens a third shard: migrations
    expect(t.migrating.some((m) => m.from === sid(N[0])), 'the spec needs a migration from the shard').to.equal(true);
    const s = sid(N[0]);
    const live = liveN(N.slice(1, 7));
    const r = step(t, live, V, { replicas: 2, offsets: new Map([[N[1], 100], [N[2], 250]]) });
    const u = r.topology;
    expect(u.shards[s]).to.deep.equal({ primary: N[2], replicas: [N[1]], inSync: [N[1]] });
    expect(u.nodes[N[2]]).to.deep.equal({ addr: { ip: '127.0.0.1', port: port(N[2]) }, shard: s, role: 'primary', epoch: u.version });
    expect(u.nodes).to.not.have.property(N[0]);
    expect(u.slots).to.deep.equal(t.slots);
    expect(u.migrating, 'migrations of the shard continue under its new primary').to.deep.equal(t.migrating);
    expect(r.reassigned).to.equal(0);
    expect(r.changes).to.include(`node ${N[0]} is dead: replica ${N[2]} promoted to primary of shard ${s} (offset 250)`);
    expect(plan(u, live, V, R2), 'stable once promoted').to.equal(null);
    // Equal offsets (or none given): the smallest id.
    t = twoFullShards();
    const tie = step(t, liveN(N.slice(1, 6)), V, R2).topology;
    expect(tie.shards[s].primary).to.equal([N[1], N[2]].sort()[0]);
    // A live replica not in sync is never promoted, whatever its offset.
    const partial = setInSync(t, s, [N[1]])!;
    const p = step(partial, liveN(N.slice(1, 6)), V, { replicas: 2, offsets: new Map([[N[2], 999]]) }).topology;
    expect(p.shards[s]).to.deep.equal({ primary: N[1], replicas: [N[2]], inSync: [] });
  });

  it('a dead primary whose replicas are not in sync loses its shard: slots to survivors, replicas rejoin', () => {
    const t = build(N.slice(0, 6)); // nothing in sync
    const s = sid(N[0]);
    const sSlots = owners(t).filter((o) => o === s).length;
    const live = liveN(N.slice(1, 6));
    const r = step(t, live, V, R2R);
    expect(r.topology.shards).to.not.have.property(s);
    expect(r.reassigned).to.equal(sSlots);
    expect(r.changes[0]).to.equal(`node ${N[0]} is dead: shard ${s} removed, its ${sSlots} slots unowned, replicas ${N[1]}, ${N[2]} released`);
    // The released replicas leave the topology for one version, then join again: the survivor is full,
    // so the smaller id opens a shard.
    expect(r.topology.nodes).to.not.have.property(N[1]);
    expect(r.topology.nodes).to.not.have.property(N[2]);
    expectOwnersAsRing(r.topology, [sid(N[3])]);
    const again = step(r.topology, live, V, R2R);
    const [first, second] = [N[1], N[2]].sort();
    expect(again.changes.slice(0, 2)).to.deep.equal([
      `node ${first} joined at 127.0.0.1:${port(first)} as shard ${sid(first)}`,
      `node ${second} joined at 127.0.0.1:${port(second)} as a replica of shard ${sid(first)}`,
    ]);
    expect(again.topology.shards[sid(first)].replicas).to.deep.equal([second]);
    expect(plan(again.topology, live, V, R2R)).to.equal(null);
  });

  it('dead or leaving replicas are removed from replicas and inSync, nothing else changes', () => {
    const t = setInSync(build(N.slice(0, 3)), sid(N[0]), [N[1], N[2]])!;
    const dead = step(t, liveN([N[0], N[2]]), V, R2);
    expect(dead.topology.shards[sid(N[0])]).to.deep.equal({ primary: N[0], replicas: [N[2]], inSync: [N[2]] });
    expect(dead.topology.nodes).to.not.have.property(N[1]);
    expect(dead.topology.slots).to.deep.equal(t.slots);
    expect(dead.changes).to.deep.equal([`node ${N[1]} is dead: replica removed from shard ${sid(N[0])}`]);
    const left = step(t, liveN([N[0], N[1]], [N[2]]), V, R2);
    expect(left.topology.shards[sid(N[0])]).to.deep.equal({ primary: N[0], replicas: [N[1]], inSync: [N[1]] });
    expect(left.changes).to.deep.equal([`node ${N[2]} left: replica removed from shard ${sid(N[0])}`]);
    expect(plan(left.topology, liveN([N[0], N[1]], [N[2]]), V, R2), 'a leaving node never joins again').to.equal(null);
  });

  it('a leaving primary with an in-sync replica is switched over instead of migrating; without one it migrates', () => {
    const t = twoFullShards();
    const s = sid(N[3]);
    const live = liveN([...N.slice(0, 3), N[4], N[5]], [N[3]]);
    const r = step(t, live, V, { replicas: 2, offsets: new Map([[N[4], 7], [N[5], 7]]) });
    const heir = [N[4], N[5]].sort()[0];
    expect(r.topology.shards[s].primary).to.equal(heir);
    expect(r.topology.nodes).to.not.have.property(N[3]);
    expect(r.topology.migrating).to.deep.equal([]);
    expect(r.topology.slots).to.deep.equal(t.slots);
    expect(r.changes).to.deep.equal([`node ${N[3]} left: replica ${heir} promoted to primary of shard ${s} (offset 7)`]);
    expect(plan(r.topology, live, V, R2)).to.equal(null);

    const notSynced = setInSync(t, s, [])!;
    const m = step(notSynced, live, V, R2);
    expect(m.topology.shards[s].primary).to.equal(N[3]);
    expect(m.topology.migrating.length).to.be.greaterThan(0);
    expect(m.topology.migrating.every((x) => x.from === s && x.to === sid(N[0]))).to.equal(true);
    const gone = step(finalizeAll(m.topology), live, V, R2);
    expect(gone.topology.shards).to.not.have.property(s);
    expect(gone.changes).to.deep.equal([`node ${N[3]} left: shard ${s} removed, replicas ${N[4]}, ${N[5]} released`]);
    expect(owners(gone.topology).every((o) => o === sid(N[0]))).to.equal(true);
    const back = settle(gone.topology, live, V, R2);
    expect(Object.keys(back.shards), 'its replicas join again: the other shard is full').to.have.length(2);
  });

  it('promote(): the in-sync replica becomes primary, the old primary a replica not in sync; otherwise throws', () => {
    const t = twoFullShards();
    const s = sid(N[0]);
    const u = promote(t, s, N[2]);
    expectWellFormed(u);
    expect(u.version).to.equal(t.version + 1);
    expect(u.shards[s]).to.deep.equal({ primary: N[2], replicas: [N[1], N[0]], inSync: [N[1]] });
    expect(u.nodes[N[2]]).to.deep.include({ role: 'primary', epoch: u.version });
    expect(u.nodes[N[0]]).to.deep.include({ role: 'replica', shard: s });
    expect(u.slots).to.deep.equal(t.slots);
    expect(plan(u, liveN(N.slice(0, 6)), V, R2)).to.equal(null);
    expect(() => promote(t, 'nope', N[1])).to.throw(Error, 'promote: unknown shard nope');
    expect(() => promote(t, s, N[0])).to.throw(Error, `promote: node ${N[0]} is not an in-sync replica of shard ${s}`);
    expect(() => promote(t, s, N[4])).to.throw(Error, /is not an in-sync replica/);
    expect(() => promote(setInSync(t, s, [N[1]])!, s, N[2])).to.throw(Error, /is not an in-sync replica/);
  });

  it('setInSync(): replaces the set (version + 1, replicas order), null when unchanged, throws on a non-replica', () => {
    const t = build(N.slice(0, 3));
    const s = sid(N[0]);
    expect(setInSync(t, s, [])).to.equal(null);
    const u = setInSync(t, s, [N[2], N[1], N[2]])!;
    expectWellFormed(u);
    expect(u.version).to.equal(t.version + 1);
    expect(u.shards[s].inSync).to.deep.equal([N[1], N[2]]);
    expect({ ...u, version: t.version, shards: t.shards }).to.deep.equal(t);
    expect(setInSync(u, s, [N[1], N[2]])).to.equal(null);
    expect(setInSync(u, s, [N[2], N[1]])).to.equal(null);
    expect(setInSync(u, s, [N[2]])!.shards[s].inSync).to.deep.equal([N[2]]);
    expect(() => setInSync(t, s, [N[0]])).to.throw(Error, `setInSync: node ${N[0]} is not a replica of shard ${s}`);
    expect(() => setInSync(t, s, [N[5]])).to.throw(Error, /is not a replica/);
    expect(() => setInSync(t, 'nope', [])).to.throw(Error, 'setInSync: unknown shard nope');
  });

  it('randomized joins, deaths, leaves, in-sync changes, promotions and finalizes keep every invariant', () => {
    const RV = 16;
    let seed = 777;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const pool = Array.from({ length: 10 }, (_, i) => nodeId(`random-replica-${i}`));
    const live = new Map<string, Registration>();
    let t: Topology = EMPTY_TOPOLOGY;
    const seen = new Set<string>(); // kinds of change met, so the walk is known to cover them all
    const KINDS = ['promoted', 'released', 'replica removed', 'as a replica', 'is dead', 'left', 'joined', 'migrating', 'assigned'];
    for (let i = 0; i < 400; i++) {
      const id = pool[rnd(pool.length)];
      const op = rnd(9); // 0-1 join, 2 death, 3 leave, 4-5 setInSync, 6 promote, 7-8 finalize
      const sids = Object.keys(t.shards);
      const s = sids.length > 0 ? sids[rnd(sids.length)] : undefined;
      if (op <= 1) live.set(id, reg(8000 + pool.indexOf(id)));
      else if (op === 2) live.delete(id);
      else if (op === 3 && live.has(id)) live.set(id, { ...live.get(id)!, state: 'leaving' });
      else if ((op === 4 || op === 5) && s !== undefined) t = setInSync(t, s, t.shards[s].replicas.filter(() => rnd(3) > 0)) ?? t;
      else if (op === 6 && s !== undefined && t.shards[s].inSync.length > 0) {
        t = promote(t, s, t.shards[s].inSync[rnd(t.shards[s].inSync.length)]);
        seen.add('promote()');
      } else if (t.migrating.length > 0) {
        const from = t.migrating[rnd(t.migrating.length)].from;
        t = finalizeMigrations(t, from, t.migrating.filter((m) => m.from === from && rnd(2) === 0).map((m) => m.slot)) ?? t;
      }
      const offsets = new Map(pool.map((p) => [p, rnd(4)]));
      const before = t;
      const r = plan(t, live, RV, { replicas: 2, offsets, lostSlots: 'reassign' });
      if (r === null) continue;
      expect(r.topology.version).to.equal(t.version + 1);
      t = r.topology;
      expectWellFormed(t);
      // Replicas released by a removed shard join in the next plan; nothing else is left for it.
      const next = plan(t, live, RV, { replicas: 2, offsets, lostSlots: 'reassign' });
      if (next !== null) {
        if (!r.changes.some((c) => c.includes('released'))) expect.fail(`plan() not idempotent: ${next.changes.join('; ')}`);
        for (const c of next.changes) if (!/ joined | assigned | migrating /.test(c)) expect.fail(`unexpected follow-up change: ${c}`);
        r.changes.push(...next.changes);
        t = next.topology;
        expectWellFormed(t);
        expect(plan(t, live, RV, { replicas: 2, offsets, lostSlots: 'reassign' }), 'settled after the follow-up').to.equal(null);
      }
      for (const c of r.changes) for (const k of KINDS) if (c.includes(` ${k}`)) seen.add(k);
      for (const [sid, sh] of Object.entries(t.shards)) {
        const primaries = Object.entries(t.nodes).filter(([, n]) => n.shard === sid && n.role === 'primary').map(([n]) => n);
        expect(primaries, `shard ${sid} has exactly one primary`).to.deep.equal([sh.primary]);
        for (const rep of sh.replicas) if (live.get(rep)?.state !== 'up') expect.fail(`replica ${rep} of ${sid} is not live`);
        for (const x of sh.inSync) if (!sh.replicas.includes(x)) expect.fail(`inSync ${x} not a replica of ${sid}`);
        if (!live.has(sh.primary)) expect.fail(`dead primary ${sh.primary}`);
        // A promotion keeps every slot of the shard (it may gain unowned ones in the same plan).
        const was = before.shards[sid];
        if (was !== undefined && was.primary !== sh.primary) {
          const o0 = owners(before);
          const o1 = owners(t);
          for (let slot = 0; slot < SLOTS; slot++) if (o0[slot] === sid && o1[slot] !== sid) expect.fail(`slot ${slot} lost at the promotion in ${sid}: ${JSON.stringify(was)} ${JSON.stringify(sh)} ${r.changes.join('; ')}`);
        }
      }
      for (const n of Object.keys(t.nodes)) if (!live.has(n)) expect.fail(`dead node ${n} in the topology`);
      if (r.changes.some((c) => / as shard /.test(c))) {
        const full = Object.entries(t.shards).filter(([sid, sh]) => before.shards[sid] !== undefined && live.get(sh.primary)!.state === 'up');
        for (const [sid, sh] of full) if (sh.replicas.length < 2) expect.fail(`a shard opened while ${sid} had ${sh.replicas.length} replicas`);
      }
      for (const n of Object.values(t.nodes)) if (n.epoch > t.version) expect.fail(`epoch ${n.epoch} > version ${t.version}`);
      const up = Object.values(t.shards).filter((sh) => live.get(sh.primary)!.state === 'up');
      if (up.length > 0) expect(owners(t).every((o) => o !== null), 'every slot owned').to.equal(true);
      else expect(t.slots).to.deep.equal([]);
    }
    expect([...seen].sort()).to.have.members(['promote()', ...KINDS]);
    for (const id of pool) live.set(id, reg(8000 + pool.indexOf(id)));
    t = settle(t, live, RV, R2R);
    expect(Object.values(t.shards).every((sh) => sh.replicas.length <= 2)).to.equal(true);
    expect(Object.keys(t.nodes)).to.have.length(pool.length);
  });
});

describe('cluster/planner: cluster-lost-slots (issue 10)', () => {
  const KEEP: PlanOptions = { lostSlots: 'keep' };
  // Nodes named so that, joining in this order with replicas 1, P0 {R0} and P1 {R1} are two shards.
  const [P0, R0, P1, R1, X] = ['p0', 'r0', 'p1', 'r1', 'x'].map((n) => nodeId(`lost-spec-${n}`));
  const port = (id: string): number => 9500 + [P0, R0, P1, R1, X].indexOf(id);
  const liveL = (ids: string[], leaving: string[] = []): Map<string, Registration> =>
    new Map([...ids, ...leaving].map((id) => [id, reg(port(id), leaving.includes(id) ? 'leaving' : 'up')]));
  const slotsOf = (t: Topology, s: string): number => owners(t).filter((o) => o === s).length;
  /** Two shards P0 {R0}, P1 {R1}, settled, replicas joined in this order; nothing in sync. */
  function twoShards(): Topology {
    let t: Topology = EMPTY_TOPOLOGY;
    const order = [P0, R0, P1, R1];
    for (let i = 1; i <= order.length; i++) t = settle(t, liveL(order.slice(0, i)), V, { replicas: 1 });
    expect(t.shards[sid(P0)], 'the spec needs this shape').to.deep.equal({ primary: P0, replicas: [R0], inSync: [] });
    expect(t.shards[sid(P1)]).to.deep.equal({ primary: P1, replicas: [R1], inSync: [] });
    return t;
  }

  it('keep (the default): a silent primary without replicas keeps its shard and slots; nothing is reassigned', () => {
    const t = settle(EMPTY_TOPOLOGY, liveOf([A, B, C]));
    const live = liveOf([A, C]); // B's lease ended; its process was not proven gone
    expect(plan(t, live, V), 'default policy').to.equal(null);
    expect(plan(t, live, V, KEEP)).to.equal(null);
    expect(plan(t, live, V, { lostSlots: 'keep', gone: new Set([D]) }), 'another node gone changes nothing').to.equal(null);
    expect(lostShards(t, live)).to.deep.equal([{ shard: sid(B), primary: B, slots: slotsOf(t, sid(B)) }]);
    expect(slotsOf(t, sid(B))).to.be.greaterThan(0);
    // reassign on the same input: today's behaviour, the shard is removed and its slots go to the others.
    const r = step(t, live, V, REASSIGN);
    expect(r.topology.shards).to.not.have.property(sid(B));
    expect(r.reassigned).to.equal(slotsOf(t, sid(B)));
    expect(lostShards(r.topology, live)).to.deep.equal([]);
  });

  it('keep: a primary proven gone without replicas loses its shard (nothing holds the data)', () => {
    const t = settle(EMPTY_TOPOLOGY, liveOf([A, B, C]));
    const r = step(t, liveOf([A, C]), V, { lostSlots: 'keep', gone: new Set([B]) });
    expect(r.topology.shards).to.not.have.property(sid(B));
    expect(r.topology.nodes).to.not.have.property(B);
    expect(r.reassigned).to.equal(slotsOf(t, sid(B)));
    expectOwnersAsRing(r.topology, [sid(A), sid(C)]);
    expect(r.changes[0]).to.equal(`node ${B} is dead: shard ${sid(B)} removed, its ${slotsOf(t, sid(B))} slots unowned`);
  });

  it('keep: a silent primary with a live replica not in sync keeps its shard; the replica is not promoted', () => {
    const t = twoShards();
    const live = liveL([R0, P1, R1]);
    expect(plan(t, live, V, { replicas: 1, offsets: new Map([[R0, 500]]) })).to.equal(null);
    expect(lostShards(t, live).map((l) => l.primary)).to.deep.equal([P0]);
    // reassign: removed, its replica released.
    const r = step(t, live, V, { replicas: 1, lostSlots: 'reassign' });
    expect(r.topology.shards).to.not.have.property(sid(P0));
    expect(r.topology.nodes).to.not.have.property(R0);
  });

  it('keep: a primary proven gone is replaced by its live replica with the highest offset, in sync or not', () => {
    const t = settle(twoShards(), liveL([P0, R0, P1, R1, X]), V, { replicas: 2 }); // X joins P0's or P1's shard
    const s = t.nodes[X].shard!;
    const p = t.shards[s].primary;
    const [other] = t.shards[s].replicas.filter((id) => id !== X);
    const live = liveL([P0, R0, P1, R1, X].filter((id) => id !== p));
    const r = step(t, live, V, { replicas: 2, gone: new Set([p]), offsets: new Map([[X, 300], [other, 200]]) });
    expect(r.topology.shards[s]).to.deep.equal({ primary: X, replicas: [other], inSync: [] });
    expect(r.topology.nodes[X]).to.deep.include({ role: 'primary', shard: s, epoch: r.topology.version });
    expect(r.topology.nodes).to.not.have.property(p);
    expect(r.topology.slots, 'no slot moves').to.deep.equal(t.slots);
    expect(r.reassigned).to.equal(0);
    expect(r.changes[0]).to.equal(
      `node ${p} is dead (its process is gone): replica ${X}, NOT in sync, promoted to primary of shard ${s} (offset 300): ` +
        "it holds the most of the shard's data, but writes it had not applied are lost",
    );
    expect(plan(r.topology, live, V, { replicas: 2, gone: new Set([p]) }), 'stable').to.equal(null);
    // reassign never promotes a replica that is not in sync.
    const re = step(t, live, V, { replicas: 2, gone: new Set([p]), lostSlots: 'reassign' });
    expect(re.topology.shards).to.not.have.property(s);
  });

  it('keep: an in-sync replica still takes over a silent primary at once', () => {
    const t = setInSync(twoShards(), sid(P0), [R0])!;
    const r = step(t, liveL([R0, P1, R1]), V, { replicas: 1 });
    expect(r.topology.shards[sid(P0)].primary).to.equal(R0);
    expect(r.topology.slots).to.deep.equal(t.slots);
  });

  it('keep: migrations to or from a silent shard stay as they are (paused: keys already moved are only on it); none start', () => {
    const t = step(settle(EMPTY_TOPOLOGY, liveOf([A, B])), liveOf([A, B, C])).topology; // A, B -> C migrating
    expect(t.migrating.length).to.be.greaterThan(0);
    // The target C goes silent: nothing changes (cancelling would strand the keys already on C).
    expect(plan(t, liveOf([A, B]), V)).to.equal(null);
    // C registers again: it is simply up, the migrations go on.
    expect(plan(t, liveOf([A, B, C]), V)).to.equal(null);
    // A source goes silent instead: its migrations stay as they are, so does everything else.
    expect(plan(t, liveOf([B, C]), V)).to.equal(null);
    const done = finalizeMigrations(t, sid(B), t.migrating.filter((m) => m.from === sid(B)).map((m) => m.slot))!;
    expect(plan(done, liveOf([B, C]), V), 'nothing moves out of a silent shard either').to.equal(null);
  });

  it('keep: no joiner is placed in a shard whose primary is down; nothing moves out of it to a new shard', () => {
    const t = settle(settle(EMPTY_TOPOLOGY, liveL([P0]), V, { replicas: 1 }), liveL([P0, R0]), V, { replicas: 1 });
    expect(t.shards[sid(P0)].replicas).to.deep.equal([R0]);
    const t2 = settle(t, liveL([P0]), V, { replicas: 1 }); // R0 gone: the shard has room again
    expect(t2.shards[sid(P0)].replicas).to.deep.equal([]);
    const r = step(t2, liveL([X]), V, { replicas: 1 }); // P0 silent, X joins
    expect(r.topology.nodes[X]).to.deep.include({ role: 'primary', shard: sid(X) });
    expect(r.topology.shards[sid(P0)]).to.deep.equal({ primary: P0, replicas: [], inSync: [] });
    expect(r.topology.migrating, 'no migration from the down shard').to.deep.equal([]);
    expect(slotsOf(r.topology, sid(P0))).to.equal(SLOTS);
    expect(plan(r.topology, liveL([X]), V, { replicas: 1 })).to.equal(null);
    // P0 comes back (same id, it was only cut off): up again, not a joiner; then the ring moves slots to X.
    const back = step(r.topology, liveL([P0, X]), V, { replicas: 1 });
    expect(back.topology.nodes[P0]).to.deep.equal(r.topology.nodes[P0]);
    expect(back.topology.migrating.length).to.be.greaterThan(0);
    expect(back.topology.migrating.every((m) => m.from === sid(P0) && m.to === sid(X))).to.equal(true);
    expect(back.changes.some((c) => c.includes('joined'))).to.equal(false);
  });

  it('keep: a primary that registers again serves as before: plan unchanged', () => {
    const t = twoShards();
    expect(plan(t, liveL([R0, P1, R1]), V, { replicas: 1 })).to.equal(null);
    expect(plan(t, liveL([P0, R0, P1, R1]), V, { replicas: 1 })).to.equal(null);
    // At a new address: only the address changes.
    const live = liveL([P0, R0, P1, R1]);
    live.set(P0, { addr: { ip: '127.0.0.1', port: 9999 }, state: 'up' });
    const r = step(t, live, V, { replicas: 1 });
    expect(r.changes).to.deep.equal([`node ${P0} moved from 127.0.0.1:${port(P0)} to 127.0.0.1:9999`]);
  });

  it('keep: unowned slots go to the shards that serve; a leaving shard hands off to them, not to a down one', () => {
    const t = settle(EMPTY_TOPOLOGY, liveOf([A, B, C]));
    // B silent (kept) and C proven gone: C's slots go to A only.
    const r = step(t, liveOf([A]), V, { gone: new Set([C]) });
    expect(slotsOf(r.topology, sid(B))).to.equal(slotsOf(t, sid(B)));
    expect(slotsOf(r.topology, sid(A))).to.equal(slotsOf(t, sid(A)) + slotsOf(t, sid(C)));
    expect(r.reassigned).to.equal(slotsOf(t, sid(C)));
    // C leaving while B is down: its slots migrate to A only.
    const l = step(t, liveOf([A], [C]), V);
    expect(l.topology.migrating.length).to.equal(slotsOf(t, sid(C)));
    expect(l.topology.migrating.every((m) => m.from === sid(C) && m.to === sid(A))).to.equal(true);
    // A leaving node whose only peer is down is removed at once; its slots wait in the down shard.
    const two = settle(EMPTY_TOPOLOGY, liveOf([A, B]));
    const alone = step(two, liveOf([], [A]), V);
    expect(alone.topology.shards).to.not.have.property(sid(A));
    expect(slotsOf(alone.topology, sid(B))).to.equal(SLOTS);
  });

  it('forgetShard(): the shard, its nodes, slots and migrations go; version + 1; the next plan assigns its slots', () => {
    const t0 = twoShards();
    const t = step(t0, liveL([P0, R0, P1, R1, X]), V, { replicas: 1 }).topology; // X opens a shard: migrations to it
    expect(t.migrating.some((m) => m.from === sid(P0))).to.equal(true);
    const f = forgetShard(t, P0);
    expectWellFormed(f.topology);
    expect(f.topology.version).to.equal(t.version + 1);
    expect(f.shard).to.equal(sid(P0));
    expect(f.slots).to.equal(slotsOf(t, sid(P0)));
    expect(f.topology.shards).to.not.have.property(sid(P0));
    expect(f.topology.nodes).to.not.have.property(P0);
    expect(f.topology.nodes).to.not.have.property(R0);
    expect(f.topology.migrating).to.deep.equal(t.migrating.filter((m) => m.from !== sid(P0)));
    expect(slotsOf(f.topology, sid(P1))).to.equal(slotsOf(t, sid(P1)));
    const r = step(f.topology, liveL([P1, R1, X]), V, { replicas: 1 });
    expect(owners(r.topology).every((o) => o !== null), 'every slot owned again').to.equal(true);
    expect(() => forgetShard(t, R0)).to.throw(Error, /is not the primary of a shard/);
    expect(() => forgetShard(t, nodeId('nope'))).to.throw(Error, /is not the primary of a shard/);
  });

  it('randomized silences, deaths, returns and joins under keep: a silent shard never loses a slot', () => {
    const RV = 16;
    let seed = 4242;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const pool = Array.from({ length: 8 }, (_, i) => nodeId(`lost-random-${i}`));
    const live = new Map<string, Registration>();
    const gone = new Set<string>();
    let t: Topology = EMPTY_TOPOLOGY;
    const seen = new Set<string>();
    let kept = 0;
    for (let i = 0; i < 300; i++) {
      const id = pool[rnd(pool.length)];
      const op = rnd(8); // 0-1 join/return, 2 silent, 3 proven gone, 4 setInSync, 5-7 finalize
      if (op <= 1) live.set(id, reg(8000 + pool.indexOf(id))), gone.delete(id);
      else if (op === 2) live.delete(id);
      else if (op === 3) live.delete(id), gone.add(id);
      else if (op === 4 && Object.keys(t.shards).length > 0) {
        const s = Object.keys(t.shards)[rnd(Object.keys(t.shards).length)];
        t = setInSync(t, s, t.shards[s].replicas.filter(() => rnd(2) > 0)) ?? t;
      } else if (t.migrating.length > 0) {
        const from = t.migrating[rnd(t.migrating.length)].from;
        if (live.has(t.shards[from].primary)) t = finalizeMigrations(t, from, t.migrating.filter((m) => m.from === from && rnd(2) === 0).map((m) => m.slot)) ?? t;
      }
      const opts: PlanOptions = { replicas: 1, gone };
      const before = t;
      let r = plan(t, live, RV, opts);
      if (r === null) continue;
      const changes = [...r.changes];
      t = r.topology;
      expectWellFormed(t);
      r = plan(t, live, RV, opts); // replicas released by a removed shard join in the next plan
      if (r !== null) (t = r.topology), changes.push(...r.changes);
      expect(plan(t, live, RV, opts), 'settled').to.equal(null);
      for (const c of changes) for (const k of ['unreachable', 'NOT in sync', 'removed', 'joined', 'promoted']) if (c.includes(k)) seen.add(k);
      const o0 = owners(before);
      const o1 = owners(t);
      for (const [sid, sh] of Object.entries(before.shards)) {
        if (live.has(sh.primary) || gone.has(sh.primary) || sh.inSync.some((x) => live.get(x)?.state === 'up')) continue;
        // Silent and no heir: kept, with every slot, its primary still primary.
        kept++;
        expect(t.shards[sid]?.primary, `shard ${sid} kept`).to.equal(sh.primary);
        for (let s = 0; s < SLOTS; s++) if (o0[s] === sid && o1[s] !== sid) expect.fail(`slot ${s} left silent shard ${sid}`);
      }
      for (const [sid, sh] of Object.entries(t.shards)) {
        if (live.has(sh.primary)) continue;
        for (const m of t.migrating) if (m.to === sid && !before.migrating.some((b) => b.slot === m.slot && b.to === sid)) expect.fail(`migration to down shard ${sid} started`);
        for (const x of sh.replicas) if (before.shards[sid]?.replicas.includes(x) !== true) expect.fail(`${x} joined down shard ${sid}`);
      }
      for (const n of Object.keys(t.nodes)) if (!live.has(n) && t.shards[t.nodes[n].shard ?? '']?.primary !== n) expect.fail(`dead non-primary ${n} in the topology`);
    }
    expect([...seen].sort()).to.include.members(['joined', 'promoted', 'removed', 'NOT in sync']);
    expect(kept, 'silent shards kept').to.be.greaterThan(0);
    for (const id of pool) live.set(id, reg(8000 + pool.indexOf(id)));
    t = settle(t, live, RV, { replicas: 1 });
    expect(Object.keys(t.nodes)).to.have.length(pool.length);
    expectOwnersAsRing(t, Object.keys(t.shards), RV);
  });
});
