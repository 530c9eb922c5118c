// The byte fast paths of the list, set and sorted-set commands (LPUSH RPUSH LPOP RPOP LLEN LRANGE SADD
// SPOP SISMEMBER SCARD ZADD ZPOPMIN ZPOPMAX ZSCORE ZCARD) against their string handlers: two nodes run
// the same seeded random sequence, one from request bytes (the fast path), one from argument strings
// (dispatcher execute(): the ordinary handlers), and must agree on every reply (RESP2 and RESP3), the
// effects sent to replicas, keyspace hits/misses, memory used, encodings and what clients blocked in
// BLPOP / BZPOPMIN are served. The fast path must have carried most of them (counted on spec.fast).
import { expect } from 'chai';
import { encodeCommand } from '../../lib/replication/stream';
import type { Client } from '../../lib/server/client';
import type { FastHandler } from '../../lib/commands/types';
import { rng } from '../helpers/differential';
import { UnitNode } from '../helpers/unit-node';

const FAST = ['lpush', 'rpush', 'lpop', 'rpop', 'llen', 'lrange', 'sadd', 'spop', 'sismember', 'scard', 'zadd', 'zpopmin', 'zpopmax', 'zscore', 'zcard'];

function text(c: Client): string {
  const out = c.out.take();
  return typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
}

/** A node and how its commands go in: as request bytes (fast) or as strings (execute). */
class Side {
  readonly n: UnitNode;
  readonly waiters: Client[] = [];
  constructor(readonly bytes: boolean) {
    this.n = new UnitNode({ 'list-max-listpack-size': '4', 'set-max-intset-entries': '4', 'set-max-listpack-entries': '4', 'zset-max-listpack-entries': '4' });
    this.n.node.repl.ensureBacklog();
    for (let i = 0; i < 3; i++) this.waiters.push(this.n.newClient());
  }
  send(c: Client, argv: string[]): string {
    if (this.bytes) c.onData(Buffer.from(encodeCommand(argv), 'latin1'));
    else this.n.node.execute(c, argv);
    return text(c);
  }
  /** The reply, the effects and the waiters' replies of one command. */
  run(argv: string[]): string {
    const eff = this.n.effects(() => {
      this.last = this.send(this.n.client, argv);
    });
    return JSON.stringify([this.last, eff, this.waiters.map(text)]);
  }
  last = '';
  stats(): string {
    const env = this.n.node.env;
    return JSON.stringify([env.stats.hits, env.stats.misses, env.memory.used]);
  }
}

describe('fast paths of list, set and sorted-set commands equal their string handlers', () => {
  const counts = new Map<string, number>();
  const saved = new Map<string, FastHandler>();
  before(() => {
    const probe = new UnitNode();
    for (const name of FAST) {
      const spec = probe.node.commands.lookup(name)?.spec as { fast?: FastHandler };
      expect(spec.fast, `${name} has a fast path`).to.be.a('function');
      const orig = spec.fast as FastHandler;
      saved.set(name, orig);
      spec.fast = (c, f) => {
        const done = orig(c, f);
        if (done) counts.set(name, (counts.get(name) ?? 0) + 1);
        return done;
      };
    }
  });
  after(() => {
    const probe = new UnitNode();
    for (const [name, orig] of saved) (probe.node.commands.lookup(name)?.spec as { fast?: FastHandler }).fast = orig;
  });

  for (const seed of [1, 2, 3]) {
    it(`a seeded random sequence (seed ${seed}): replies, effects, stats, memory, encodings, served waiters`, () => {
      counts.clear();
      const fast = new Side(true);
      const slow = new Side(false);
      const r = rng(seed);
      const lists = ['l1', 'l2', '\xff\x00l'];
      const sets = ['s1', 's2'];
      const zsets = ['z1', 'z2'];
      const all = [...lists, ...sets, ...zsets, 'str', 'nokey'];
      const els = ['a', 'b', '', '1', '-7', '12345678901234567890', 'x'.repeat(70), 'y'.repeat(9000), '\r\n', '\x00\xff'];
      const members = ['a', 'b', 'c', '1', '2', '300', '-4', 'm'.repeat(70)];
      const counts_ = ['0', '1', '2', '5', '-1', 'abc', '9223372036854775808', ''];
      const idx = ['0', '-1', '1', '-3', '2', '100', '-100', 'x', '9223372036854775807'];
      const scores = ['1', '-1', '0', '1.5', 'inf', '-inf', '+inf', '2', '1e3', 'nan', 'abc', '-0'];
      // SPOP's member is random: it only pops from 'sp', which holds at most one member.
      let spFull = false;
      const key = (kind: string[]) => (r.chance(0.85) ? r.pick(kind) : r.pick(all));
      const some = <T>(xs: T[], min: number, max: number): T[] => Array.from({ length: min + r.int(max - min + 1) }, () => r.pick(xs));
      const one = (): string[] => {
        const c = (name: string) => (r.chance(0.5) ? name : name.toLowerCase());
        switch (r.int(24)) {
          case 0:
          case 1:
            return [c('LPUSH'), key(lists), ...some(els, 1, 4)];
          case 2:
          case 3:
            return [c('RPUSH'), key(lists), ...some(els, 1, 4)];
          case 4:
            return [c('LPOP'), key(lists), ...(r.chance(0.5) ? [r.pick(counts_)] : []), ...(r.chance(0.05) ? ['1'] : [])];
          case 5:
            return [c('RPOP'), key(lists), ...(r.chance(0.5) ? [r.pick(counts_)] : [])];
          case 6:
            return [c('LLEN'), key(lists)];
          case 7:
            return [c('LRANGE'), key(lists), r.pick(idx), r.pick(idx)];
          case 8:
          case 9:
            return [c('SADD'), key(sets), ...some(members, 1, 5)];
          case 10:
            return [c('SISMEMBER'), key(sets), r.pick(members)];
          case 11:
            return [c('SCARD'), key(sets)];
          case 12: {
            if (r.chance(0.5) && !spFull) {
              spFull = true;
              return [c('SADD'), 'sp', r.pick(members)];
            }
            const k = r.pick(['sp', 'sp', 'str', 'never', 'l1']); // ('never' is never written)
            if (k === 'sp') spFull = false;
            return [c('SPOP'), k];
          }
          case 13:
          case 14:
            return [c('ZADD'), key(zsets), ...some(members, 1, 4).flatMap((m) => [r.pick(scores), m])];
          case 15:
            return [c('ZADD'), key(zsets), r.pick(['NX', 'XX', 'CH', 'GT', 'INCR']), r.pick(scores), r.pick(members)];
          case 16:
            return [c(r.pick(['ZPOPMIN', 'ZPOPMAX'])), key(zsets), ...(r.chance(0.5) ? [r.pick(counts_)] : [])];
          case 17:
            return [c('ZSCORE'), key(zsets), r.pick(members)];
          case 18:
            return [c('ZCARD'), key(zsets)];
          case 19:
            return ['OBJECT', 'ENCODING', r.pick(all)];
          case 20:
            return r.pick([['SET', 'str', 'v'], ['DEL', r.pick(all)], ['EXPIRE', r.pick(all), '1'], ['TYPE', r.pick(all)]]);
          case 21: {
            // A waiter (BLPOP / BZPOPMIN) on another client, served by later pushes / ZADDs.
            const w = r.int(3);
            const argv = r.chance(0.5) ? ['BLPOP', r.pick(lists), '0'] : ['BZPOPMIN', r.pick(zsets), '0'];
            for (const side of [fast, slow]) side.waiters[w].onData(Buffer.from(encodeCommand(argv), 'latin1'));
            return ['PING'];
          }
          case 22:
            return r.pick([['ZADD', 'z1', '1'], ['SPOP', 'nokey', '1', '2'], ['LPOP', 'l1', '1', '2'], ['ZPOPMIN', 'z1', '1', '2'], ['LRANGE', 'l1', '0']]);
          default:
            if (r.chance(0.1)) {
              for (const side of [fast, slow]) side.n.clock.advance(1500); // expired keys: lazy expiry in byte lookups
            }
            if (r.chance(0.1)) {
              const v = r.pick(['2', '3']);
              for (const side of [fast, slow]) expect(side.send(side.n.client, ['HELLO', v])).to.not.match(/^-/);
            }
            return [c('LRANGE'), key(lists), '0', '-1'];
        }
      };
      for (let i = 0; i < 1500; i++) {
        const argv = one();
        const want = slow.run(argv);
        const got = fast.run(argv);
        if (got !== want) expect.fail(`#${i} ${JSON.stringify(argv)}\n  string path: ${want}\n  fast path:   ${got}`);
        if (i % 50 === 0) expect(fast.stats(), `stats after #${i}`).to.equal(slow.stats());
      }
      expect(fast.stats()).to.equal(slow.stats());
      for (const name of ['lpush', 'rpush', 'lpop', 'lrange', 'sadd', 'zadd', 'zpopmin']) expect(counts.get(name) ?? 0, `${name} from the fast path`).to.be.greaterThan(10);
    });
  }
});
