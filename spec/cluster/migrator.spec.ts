// Migrator: moving the keys of migrating slots from this node to the target shard's primary.
// OPENS SOCKETS: the target is an in-process Node listening on 127.0.0.1 (port 0); the source is an
// in-process Node without sockets whose db 0 has the hash-slot index. The ClusterView is built by hand
// (two shards, slots migrating from s1 to s2); host.commit records its calls and answers true.
import { expect } from 'chai';
import { CHUNK_MAX_RESTARTS, Migrator, PIECE_MAX_BYTES, PIECE_MAX_ITEMS, RETRY_PAUSE_MS, type MigratorHost } from '../../lib/cluster/migrator';
import * as net from 'net';
import { DumpWriter } from '../../lib/store/dump';
import { keySlot } from '../../lib/util/slots';
import { validateTopology, type Topology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { Config } from '../../lib/config/config';
import type { Client } from '../../lib/server/client';
import { Logger } from '../../lib/server/log';
import { createNode, type FullNode as Node } from '../../lib/create-node';
import { decodeResp2 } from '../helpers/resp';

const A = 'a'.repeat(40); // source primary, shard s1
const B = 'b'.repeat(40); // target primary, shard s2
const M1 = keySlot('m1'); // keys {m1}...
const M2 = keySlot('m2');
const EMPTY = keySlot('empty'); // migrating, no keys
const OTHER = keySlot('other'); // not migrating

function topology(targetPort: number, migrating: number[]): Topology {
  return validateTopology({
    version: 3,
    nodes: {
      [A]: { addr: { ip: '127.0.0.1', port: 1 }, shard: 's1', role: 'primary', epoch: 1 },
      [B]: { addr: { ip: '127.0.0.1', port: targetPort }, shard: 's2', role: 'primary', epoch: 2 },
    },
    shards: {
      s1: { primary: A, replicas: [], inSync: [] },
      s2: { primary: B, replicas: [], inSync: [] },
    },
    slots: [[0, 16383, 's1']],
    migrating: migrating.map((slot) => ({ slot, from: 's1', to: 's2' })),
  });
}

const view = (port: number, migrating: number[]) => new ClusterView(topology(port, migrating), [A, B]);

/** A node with the system clock; `listen` binds 127.0.0.1 on `port` (0: any free port). */
async function newNode(listen: boolean, settings: Record<string, string> = {}, port = 0): Promise<Node> {
  const config = new Config();
  config.set('bind', '127.0.0.1');
  config.set('port', String(port));
  for (const [k, v] of Object.entries(settings)) config.set(k, v);
  const node = createNode(config);
  if (listen) await node.listen();
  return node;
}

/** Runs a command on node in process (no socket) and returns its decoded RESP2 reply. */
function run(node: Node, ...argv: string[]): unknown {
  const c: Client = node.detachedClient();
  node.execute(c, argv);
  const out = c.out.take();
  const text = typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
  return decodeResp2(text)[0];
}

async function waitFor(what: string, cond: () => boolean, ms = 10000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Harness {
  source: Node;
  target: Node;
  host: MigratorHost;
  commits: number[][];
  warnings: string[];
}

async function harness(targetSettings: Record<string, string> = {}, password = ''): Promise<Harness> {
  const source = await newNode(false);
  source.dbs[0].enableSlotIndex();
  const target = await newNode(true, targetSettings);
  const commits: number[][] = [];
  const warnings: string[] = [];
  const log = new Logger();
  log.level = 'nothing';
  log.warning = (m: string) => void warnings.push(m);
  const host: MigratorHost = {
    db: source.dbs[0],
    log,
    password: () => password,
    commit: async (from, slots) => {
      expect(from).to.equal('s1');
      commits.push(slots);
      return true;
    },
  };
  return { source, target, host, commits, warnings };
}

/** Fills the source: n keys in each of {m1} and {m2} (every third with a TTL), 50 in {other}, one binary. */
function fill(source: Node, n: number): void {
  for (let i = 0; i < n; i++) {
    run(source, 'SET', `{m1}${i}`, `v1-${i}`, ...(i % 3 === 0 ? ['PX', String(600000 + i)] : []));
    run(source, 'SET', `{m2}${i}`, `v2-${i}`);
  }
  for (let i = 0; i < 50; i++) run(source, 'SET', `{other}${i}`, `o-${i}`);
  run(source, 'SET', '{m1}bin', '\x00\xff\r\n');
}

const committed = (h: Harness) => h.commits.flat().sort((a, b) => a - b);

describe('Migrator (opens sockets)', () => {
  let h: Harness;
  let m: Migrator;
  afterEach(async () => {
    await m?.stop();
    await h?.target.shutdown();
  });

  it('moves every key of the migrating slots with value and TTL, deletes them here, commits all slots', async () => {
    h = await harness();
    fill(h.source, 300);
    const ttls = new Map<string, unknown>();
    for (let i = 0; i < 300; i += 3) ttls.set(`{m1}${i}`, run(h.source, 'PEXPIRETIME', `{m1}${i}`));
    m = new Migrator(h.host, { batchKeys: 16 });
    m.update(view(h.target.port, [M1, M2, EMPTY]), 's1');
    await waitFor('commit of all slots', () => committed(h).length === 3);
    expect(committed(h)).to.deep.equal([M1, M2, EMPTY].sort((a, b) => a - b));
    expect(m.stats).to.deep.include({ keysMoved: 601, slotsCommitted: 3, piecesSent: 0 });
    for (let i = 0; i < 300; i++) {
      expect(run(h.target, 'GET', `{m1}${i}`)).to.equal(`v1-${i}`);
      expect(run(h.target, 'GET', `{m2}${i}`)).to.equal(`v2-${i}`);
      // The TTL travels relative (as MIGRATE's): the absolute expiry may shift by the transfer time.
      const exp = run(h.target, 'PEXPIRETIME', `{m1}${i}`) as number;
      if (i % 3 === 0) expect(exp).to.be.within(ttls.get(`{m1}${i}`) as number, (ttls.get(`{m1}${i}`) as number) + 1000);
      else expect(exp).to.equal(-1);
      expect(m.inFlight(`{m1}${i}`)).to.equal(false);
    }
    expect(run(h.target, 'GET', '{m1}bin')).to.equal('\x00\xff\r\n');
    expect(h.source.dbs[0].countKeysInSlot(M1) + h.source.dbs[0].countKeysInSlot(M2)).to.equal(0);
    // Other slots untouched: still here, never sent.
    expect(h.source.dbs[0].countKeysInSlot(OTHER)).to.equal(50);
    expect(run(h.source, 'GET', '{other}7')).to.equal('o-7');
    expect(run(h.target, 'DBSIZE')).to.equal(601);
    expect(h.source.env.stats.expired).to.equal(0);
    expect(h.warnings).to.deep.equal([]);
  });

  it('a key written while in flight ends with its latest value; one deleted while in flight ends deleted', async () => {
    h = await harness();
    fill(h.source, 100);
    m = new Migrator(h.host, { batchKeys: 1000 });
    m.update(view(h.target.port, [M1]), 's1');
    // update() sent the first window synchronously: these carry their old values.
    expect(m.inFlight('{m1}5')).to.equal(true);
    expect(m.inFlight('{m1}6')).to.equal(true);
    expect(m.inFlight('{other}1')).to.equal(false);
    run(h.source, 'SET', '{m1}5', 'newer');
    m.noteWrite('{m1}5');
    run(h.source, 'DEL', '{m1}6');
    m.noteWrite('{m1}6');
    m.noteWrite('{other}1'); // not in flight: ignored
    await waitFor('commit', () => committed(h).length === 1);
    expect(run(h.target, 'GET', '{m1}5')).to.equal('newer');
    expect(run(h.target, 'EXISTS', '{m1}6')).to.equal(0);
    expect(run(h.target, 'GET', '{m1}7')).to.equal('v1-7');
    expect(run(h.source, 'EXISTS', '{m1}5', '{m1}6', '{m1}7')).to.equal(0);
    expect(m.stats.keysMoved).to.equal(100); // 101 keys of {m1}, one deleted
    expect(run(h.source, 'DBSIZE')).to.equal(150); // {m2} and {other} untouched
  });

  it('target down, then up on the same port: retries, loses no key, logs once', async () => {
    h = await harness();
    const port = h.target.port;
    await h.target.shutdown();
    fill(h.source, 200);
    m = new Migrator(h.host, { batchKeys: 32 });
    m.update(view(port, [M1, M2]), 's1');
    await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS * 2.5));
    // Nothing acknowledged: nothing deleted here, nothing committed.
    expect(run(h.source, 'DBSIZE')).to.equal(451);
    expect(h.commits).to.deep.equal([]);
    expect(h.warnings).to.have.length(1);
    h.target = await newNode(true, {}, port);
    await waitFor('commit of both slots', () => committed(h).length === 2);
    expect(run(h.target, 'DBSIZE')).to.equal(401);
    expect(run(h.source, 'DBSIZE')).to.equal(50);
    expect(run(h.target, 'GET', '{m2}199')).to.equal('v2-199');
  });

  it('error replies are retried and nothing unacknowledged is deleted; AUTH with the requirepass', async () => {
    h = await harness({ requirepass: 'secret' }); // migrator sends no AUTH: NOAUTH errors
    fill(h.source, 50);
    m = new Migrator(h.host, { batchKeys: 8 });
    m.update(view(h.target.port, [M1]), 's1');
    await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS * 1.5));
    expect(h.warnings).to.have.length(1);
    expect(h.warnings[0]).to.match(/NOAUTH/);
    expect(h.source.dbs[0].countKeysInSlot(M1)).to.equal(51);
    expect(m.inFlight('{m1}0') || m.inFlight('{m1}49')).to.equal(true);
    expect(h.commits).to.deep.equal([]);
    h.target.config.set('requirepass', '');
    await waitFor('commit', () => committed(h).length === 1);
    expect(run(h.target, 'DBSIZE')).to.equal(51);
    expect(h.source.dbs[0].countKeysInSlot(M1)).to.equal(0);

    // With the right password (AUTH first on the connection).
    await m.stop();
    const h2 = await harness({ requirepass: 'secret' }, 'secret');
    try {
      fill(h2.source, 20);
      m = new Migrator(h2.host);
      m.update(view(h2.target.port, [M2]), 's1');
      await waitFor('commit', () => committed(h2).length === 1);
      expect(h2.warnings).to.deep.equal([]);
      expect(h2.source.dbs[0].countKeysInSlot(M2)).to.equal(0);
    } finally {
      await m.stop();
      await h2.target.shutdown();
    }
  });

  it('a cancelled migration stops: keys not acknowledged stay here, no commit', async () => {
    h = await harness();
    fill(h.source, 2000);
    m = new Migrator(h.host, { batchKeys: 10 });
    m.update(view(h.target.port, [M1, M2]), 's1');
    await waitFor('some progress', () => m.stats.keysMoved >= 20);
    m.update(view(h.target.port, []), 's1');
    const moved = m.stats.keysMoved;
    expect(m.inFlight('{m1}1999') || m.inFlight('{m1}0')).to.equal(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(m.stats.keysMoved).to.equal(moved);
    expect(h.commits).to.deep.equal([]);
    // Every key is on exactly one side or (sent, cancelled before its OK was handled) on both.
    expect(h.source.dbs[0].countKeysInSlot(M1) + h.source.dbs[0].countKeysInSlot(M2)).to.equal(4001 - moved);
    for (let i = 0; i < 2000; i++) {
      const here = run(h.source, 'EXISTS', `{m1}${i}`) === 1;
      expect(here || run(h.target, 'EXISTS', `{m1}${i}`) === 1, `{m1}${i}`).to.equal(true);
    }
    expect(m.stats.keysMoved).to.be.below(4001);
  });

  it('commits coalesce: one at a time, slots emptied meanwhile go together; a false commit is retried', async () => {
    h = await harness();
    const calls: number[][] = [];
    let answer = true;
    let release: () => void = () => undefined;
    h.host.commit = (_from, slots) => {
      calls.push(slots);
      return new Promise<boolean>((resolve) => {
        release = () => resolve(answer);
      });
    };
    const slots = [M1, M2, EMPTY, 100, 200, 300];
    m = new Migrator(h.host);
    fill(h.source, 10);
    m.update(view(h.target.port, slots), 's1');
    await waitFor('first commit', () => calls.length === 1);
    await waitFor('every slot emptied', () => run(h.source, 'DBSIZE') === 50);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).to.have.length(1); // the others wait for the first commit to finish
    release();
    await waitFor('second commit', () => calls.length === 2);
    expect([...calls[0], ...calls[1]].sort((a, b) => a - b)).to.deep.equal([...slots].sort((a, b) => a - b));
    answer = false;
    release(); // false: retried after a pause with the same slots
    await waitFor('retry', () => calls.length === 3, RETRY_PAUSE_MS * 4);
    expect(calls[2]).to.deep.equal(calls[1]);
    expect(m.stats.slotsCommitted).to.equal(calls[0].length);
    answer = true;
    release();
    await waitFor('stats', () => m.stats.slotsCommitted === slots.length);
    expect(calls).to.have.length(3);
  });

  describe('large values in pieces', () => {
    const N = 200_000;
    /** Fills key with n elements of `type` (1,000 per command); a hash gets TTLs on every 1,000th field. */
    function big(node: Node, type: 'hash' | 'list' | 'set' | 'zset', key: string, n: number): void {
      for (let i = 0; i < n; i += 1000) {
        const args: string[] = [];
        for (let j = i; j < Math.min(n, i + 1000); j++) {
          if (type === 'hash') args.push(`f${j}`, `v${j}`);
          else if (type === 'zset') args.push(String((j * 7919) % 100003) + (j % 3 === 0 ? '.5' : ''), `z${j}`);
          else args.push(type === 'set' ? `m${j}` : `e${j}`);
        }
        run(node, { hash: 'HSET', set: 'SADD', list: 'RPUSH', zset: 'ZADD' }[type], key, ...args);
      }
      if (type === 'hash') {
        const fields: string[] = [];
        for (let j = 0; j < n; j += 1000) fields.push(`f${j}`);
        run(node, 'HPEXPIRE', key, '900000', 'FIELDS', String(fields.length), ...fields);
      }
    }
    /** What a client sees of key: sorted fields with values and field TTLs, a list in order, sorted members. */
    function contents(node: Node, key: string): unknown {
      const type = run(node, 'TYPE', key);
      if (type === 'hash') {
        const flat = run(node, 'HGETALL', key) as string[];
        const pairs: string[][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
        pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const ttl = run(node, 'HPEXPIRETIME', key, 'FIELDS', '3', 'f0', 'f1', 'f199000');
        return { type, pairs, ttl };
      }
      if (type === 'list') return { type, els: run(node, 'LRANGE', key, '0', '-1') };
      if (type === 'set') return { type, members: (run(node, 'SMEMBERS', key) as string[]).sort() };
      if (type === 'zset') return { type, pairs: run(node, 'ZRANGE', key, '0', '-1', 'WITHSCORES'), enc: run(node, 'OBJECT', 'ENCODING', key) };
      return { type };
    }
    /** Runs a write on the source as a client would: the router marks the key (noteWrite) first. */
    function write(mig: Migrator, node: Node, ...argv: string[]): unknown {
      mig.noteWrite(argv[1]);
      return run(node, ...argv);
    }

    it('moves a 200k-element hash, list, set and zset in bounded pieces with writes during the move; contents and TTLs equal', async () => {
      h = await harness();
      big(h.source, 'hash', '{m1}hash', N);
      big(h.source, 'list', '{m1}list', N);
      big(h.source, 'set', '{m1}set', N);
      big(h.source, 'zset', '{m1}zset', N);
      run(h.source, 'PEXPIRE', '{m1}zset', '650000');
      run(h.source, 'PEXPIRE', '{m1}hash', '600000');
      run(h.source, 'PEXPIRE', '{m1}set', '700000');
      fill(h.source, 50);
      const ttl = { hash: run(h.source, 'PEXPIRETIME', '{m1}hash') as number };
      m = new Migrator(h.host);
      m.update(view(h.target.port, [M1]), 's1');
      // Writes while pieces are in flight: each key's transfer starts over; every acknowledged write arrives.
      // (One key goes in pieces at a time, in the slot's order: each gets two writes, whichever comes first.)
      const cmds: Record<string, (round: number) => string[][]> = {
        '{m1}hash': (r) => [['HSET', '{m1}hash', `new${r}`, 'x', 'f5', `changed${r}`]],
        '{m1}list': (r) => [['RPUSH', '{m1}list', `tail${r}`], ['LPUSH', '{m1}list', 'head']],
        '{m1}set': (r) => [['SADD', '{m1}set', `new${r}`], ['SREM', '{m1}set', `m${7 + r}`], ['PEXPIRE', '{m1}set', String(800000 + r)]],
        '{m1}zset': (r) => [['ZADD', '{m1}zset', '-1', `new${r}`, 'inf', 'z5'], ['ZINCRBY', '{m1}zset', '2.5', 'z6']],
      };
      const rounds: Record<string, number> = { '{m1}hash': 0, '{m1}list': 0, '{m1}set': 0, '{m1}zset': 0 };
      const want: Record<string, unknown> = {};
      let setTtl = 0;
      let zsetTtl = 0;
      let writes = 0;
      while (writes < 8) {
        let key = '';
        await waitFor('a key with pieces in flight', () => {
          key = Object.keys(rounds).find((k) => rounds[k] < 2 && m.piecesOf(k) >= 3) ?? '';
          return key !== '';
        });
        // The target shows nothing of a key whose pieces are staged.
        expect(run(h.target, 'EXISTS', key)).to.equal(0);
        const transfers = m.stats.keysInPieces;
        for (const cmd of cmds[key](rounds[key]++)) write(m, h.source, ...cmd);
        writes++;
        // What the target must end with (no await since the writes: the key is still here).
        want[key] = contents(h.source, key);
        if (key === '{m1}set') setTtl = run(h.source, 'PEXPIRETIME', '{m1}set') as number;
        if (key === '{m1}zset') zsetTtl = run(h.source, 'PEXPIRETIME', '{m1}zset') as number;
        await waitFor('the transfer to start over', () => m.stats.keysInPieces > transfers);
      }
      const want_ = { hash: want['{m1}hash'], list: want['{m1}list'], set: want['{m1}set'], zset: want['{m1}zset'] };
      await waitFor('commit', () => committed(h).length === 1, 60000);
      expect(contents(h.target, '{m1}hash')).to.deep.equal(want_.hash);
      expect(contents(h.target, '{m1}list')).to.deep.equal(want_.list);
      expect(contents(h.target, '{m1}set')).to.deep.equal(want_.set);
      expect((want_.hash as { pairs: unknown[] }).pairs).to.have.length(N + 2);
      expect((want_.list as { els: unknown[] }).els).to.have.length(N + 4);
      expect((want_.set as { members: unknown[] }).members).to.have.length(N);
      expect(contents(h.target, '{m1}zset')).to.deep.equal(want_.zset);
      expect((want_.zset as { pairs: unknown[] }).pairs).to.have.length(2 * (N + 2));
      expect(run(h.target, 'ZSCORE', '{m1}zset', 'z5')).to.equal('inf');
      expect(run(h.target, 'PEXPIRETIME', '{m1}zset') as number).to.be.within(zsetTtl, zsetTtl + 5000);
      expect(run(h.target, 'HGET', '{m1}hash', 'f5')).to.equal('changed1');
      expect((run(h.target, 'LRANGE', '{m1}list', '0', '0') as string[])[0]).to.equal('head');
      expect(run(h.target, 'PEXPIRETIME', '{m1}hash') as number).to.be.within(ttl.hash, ttl.hash + 5000);
      expect(run(h.target, 'PEXPIRETIME', '{m1}set') as number).to.be.within(setTtl, setTtl + 5000);
      expect(run(h.target, 'PEXPIRETIME', '{m1}list')).to.equal(-1);
      expect(h.source.dbs[0].countKeysInSlot(M1)).to.equal(0);
      expect(run(h.target, 'GET', '{m1}7')).to.equal('v1-7');
      // Bounded pieces: each at most PIECE_MAX_ITEMS elements, about PIECE_MAX_BYTES; at least N/1000 a key.
      expect(m.stats.piecesSent).to.be.at.least((4 * N) / PIECE_MAX_ITEMS);
      expect(m.stats.largestPiece).to.be.at.most(PIECE_MAX_BYTES + 64);
      // Each round of writes restarted its key.
      expect(m.stats.keysInPieces).to.equal(4 + 8);
      expect(m.stats.keysMoved).to.equal(4 + 51);
      expect(h.target.staging.size).to.equal(0);
      expect(h.target.staging.bytes).to.equal(0);
      expect(h.warnings).to.deep.equal([]);
    });

    it('a key changed during every transfer goes whole after CHUNK_MAX_RESTARTS restarts', async () => {
      h = await harness();
      big(h.source, 'set', '{m1}s', 3000);
      m = new Migrator(h.host, { pieceItems: 100 });
      m.update(view(h.target.port, [M1]), 's1');
      let i = 0;
      // A write whenever a piece of it is in flight: every transfer in pieces starts over.
      const timer = setInterval(() => {
        if (m.piecesOf('{m1}s') > 0) write(m, h.source, 'SADD', '{m1}s', `w${i++}`);
      }, 1);
      try {
        await waitFor('commit', () => committed(h).length === 1, 30000);
      } finally {
        clearInterval(timer);
      }
      expect(m.stats.keysInPieces).to.equal(CHUNK_MAX_RESTARTS); // then once whole
      expect(run(h.target, 'SCARD', '{m1}s')).to.equal(3000 + i);
      expect(h.target.staging.size).to.equal(0);
    });

    it('a key deleted or expired while its pieces are in flight ends deleted; the target drops what it staged', async () => {
      h = await harness();
      big(h.source, 'hash', '{m1}gone', 20000);
      big(h.source, 'list', '{m1}exp', 20000);
      m = new Migrator(h.host, { pieceItems: 100 });
      m.update(view(h.target.port, [M1]), 's1');
      await waitFor('pieces', () => m.piecesOf('{m1}gone') + m.piecesOf('{m1}exp') >= 5);
      const first = m.piecesOf('{m1}gone') > 0 ? '{m1}gone' : '{m1}exp';
      if (first === '{m1}gone') write(m, h.source, 'DEL', '{m1}gone');
      else run(h.source, 'PEXPIRE', '{m1}exp', '1'); // as if its TTL ran out: no write reported, no stamp change
      await waitFor('the other', () => m.piecesOf(first === '{m1}gone' ? '{m1}exp' : '{m1}gone') >= 5);
      if (first === '{m1}gone') run(h.source, 'PEXPIRE', '{m1}exp', '1');
      else write(m, h.source, 'DEL', '{m1}gone');
      await waitFor('commit', () => committed(h).length === 1, 30000);
      expect(run(h.target, 'EXISTS', '{m1}gone', '{m1}exp')).to.equal(0);
      expect(h.target.staging.size).to.equal(0);
      expect(h.source.dbs[0].countKeysInSlot(M1)).to.equal(0);
    });

    it('a lost connection drops what the target staged (no memory left behind); the key starts over', async () => {
      h = await harness();
      const used0 = h.target.env.memory.used;
      // A connection that sends two pieces of a value and closes.
      const v = h.source.dbs[0];
      big(h.source, 'hash', '{m1}h', 5000);
      const w = new DumpWriter(v.valueAt(v.peek('{m1}h')));
      const pieces = [w.next(Infinity, 1000), w.next(Infinity, 1000)];
      const sock = net.connect(h.target.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      let replies = '';
      sock.on('data', (d) => (replies += d.toString('latin1')));
      const enc = (argv: string[]) => `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
      sock.write(enc(['RESTORE-PIECE', '{m1}h', '0', pieces[0], '0']) + enc(['RESTORE-PIECE', '{m1}h', '0', pieces[1], '1']), 'latin1');
      await waitFor('replies', () => replies === '+OK\r\n+OK\r\n');
      expect(h.target.staging.size).to.equal(1);
      expect(h.target.staging.bytes).to.be.above(2000 * 10);
      expect(h.target.env.memory.used - used0).to.equal(h.target.staging.bytes);
      expect(run(h.target, 'EXISTS', '{m1}h')).to.equal(0);
      sock.destroy();
      await waitFor('staging dropped', () => h.target.staging.size === 0);
      expect(h.target.env.memory.used).to.equal(used0);

      // The migrator's connection lost mid-value (target restarted): its staging goes with it, the key starts over.
      big(h.source, 'list', '{m1}l', 100000);
      m = new Migrator(h.host, { pieceItems: 200 });
      m.update(view(h.target.port, [M1]), 's1');
      await waitFor('pieces staged', () => h.target.staging.size === 1 && m.stats.piecesSent >= 10);
      for (const c of h.target.clients.values()) if (c.connected) c.close();
      await waitFor('staging dropped', () => h.target.staging.size === 0);
      await waitFor('commit', () => committed(h).length === 1, 30000);
      expect(run(h.target, 'LLEN', '{m1}l')).to.equal(100000);
      expect(run(h.target, 'HLEN', '{m1}h')).to.equal(5000);
      expect(h.target.staging.size).to.equal(0);
      expect(h.warnings).to.have.length(1); // the lost connection, once
    });

    it('the target\'s replica builds the value from the relayed pieces; a dropped connection\'s pieces go there too', async () => {
      h = await harness();
      const replica = await newNode(true);
      replica.log.level = 'nothing';
      h.target.log.level = 'nothing';
      try {
        run(replica, 'REPLICAOF', '127.0.0.1', String(h.target.port));
        await waitFor('replica online', () => h.target.repl.replicas().filter((x) => x.online).length === 1);
        big(h.source, 'hash', '{m1}h', 30000);
        big(h.source, 'zset', '{m1}z', 30000);
        m = new Migrator(h.host, { pieceItems: 100 });
        m.update(view(h.target.port, [M1]), 's1');
        // Mid-value, the migrator's connection drops: the target and its replica drop what they staged.
        await waitFor('pieces staged on the replica', () => replica.staging.size === 1 && h.target.staging.size === 1);
        for (const c of h.target.clients.values()) if (c.connected && !c.replicaLink) c.close();
        await waitFor('staging dropped on both', () => h.target.staging.size === 0 && replica.staging.size === 0);
        await waitFor('commit', () => committed(h).length === 1, 30000);
        await waitFor('replica caught up', () => replica.repl.offset === h.target.repl.offset);
        for (const key of ['{m1}h', '{m1}z']) expect(contents(replica, key)).to.deep.equal(contents(h.target, key));
        expect(run(replica, 'HLEN', '{m1}h')).to.equal(30000);
        expect(replica.staging.size).to.equal(0);
      } finally {
        await replica.shutdown();
      }
    });

    it('a migration cancelled mid-value sends DISCARD: the target keeps nothing staged', async () => {
      h = await harness();
      big(h.source, 'set', '{m1}s', 50000);
      fill(h.source, 20);
      m = new Migrator(h.host, { pieceItems: 100, batchKeys: 4 });
      m.update(view(h.target.port, [M1, M2]), 's1');
      await waitFor('pieces staged', () => h.target.staging.size === 1 && m.stats.piecesSent >= 3);
      m.update(view(h.target.port, [M2]), 's1'); // {m1} no longer migrates; {m2} does (the connection stays)
      await waitFor('staging dropped', () => h.target.staging.size === 0);
      await waitFor('commit of {m2}', () => committed(h).length === 1);
      expect(run(h.source, 'SCARD', '{m1}s')).to.equal(50000);
      expect(run(h.target, 'EXISTS', '{m1}s')).to.equal(0);
    });
  });
});
