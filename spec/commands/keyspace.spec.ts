import { expect } from 'chai';
import { keyspaceCommands } from '../../lib/commands/keyspace';
import type { CommandSpec } from '../../lib/commands/types';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

/** The error text of a reply, failing when it is not an error. */
function err(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

/** The bytes of a bulk reply taken from the raw RESP text (the decoder reads bulks as UTF-8). */
function rawBulk(n: UnitNode, argv: string[]): string {
  const raw = n.raw(argv);
  const m = /^\$(\d+)\r\n/.exec(raw);
  if (!m) throw new Error(`not a bulk reply: ${JSON.stringify(raw)}`);
  return raw.slice(m[0].length, m[0].length + Number(m[1]));
}

function scanAll(n: UnitNode, ...opts: string[]): { keys: string[]; calls: number } {
  const keys: string[] = [];
  let cursor = '0';
  let calls = 0;
  do {
    const [next, batch] = n.run('SCAN', cursor, ...opts) as [string, string[]];
    keys.push(...batch);
    cursor = next;
    calls++;
  } while (cursor !== '0');
  return { keys, calls };
}

describe('keyspace commands', () => {
  describe('DEL, UNLINK, EXISTS, TOUCH, TYPE', () => {
    it('DEL and UNLINK count the keys removed, once each, expired keys not counted', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      n.run('SET', 'b', '2');
      n.run('SET', 'c', '3', 'PX', '10');
      n.clock.advance(10);
      expect(n.run('DEL', 'a', 'a', 'c', 'missing')).to.equal(1);
      expect(n.run('UNLINK', 'b', 'b')).to.equal(1);
      expect(n.run('DBSIZE')).to.equal(0);
    });

    it('EXISTS counts a key named twice twice; TOUCH counts existing keys', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      expect(n.run('EXISTS', 'a', 'a', 'b', 'a')).to.equal(3);
      expect(n.run('TOUCH', 'a', 'b')).to.equal(1);
      const stats = n.node.env.stats;
      expect([stats.hits, stats.misses]).to.deep.equal([4, 2]);
    });

    it('TYPE answers a status: string, or none', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      expect(n.raw(['TYPE', 'a'])).to.equal('+string\r\n');
      expect(n.raw(['TYPE', 'b'])).to.equal('+none\r\n');
    });
  });

  describe('EXPIRE family and TTL', () => {
    it('expires a key when the manual clock passes its time', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      expect(n.run('EXPIRE', 'k', '10')).to.equal(1);
      n.clock.advance(9999);
      expect(n.run('EXISTS', 'k')).to.equal(1);
      expect(n.run('PTTL', 'k')).to.equal(1);
      n.clock.advance(1);
      expect(n.run('EXISTS', 'k')).to.equal(0);
      expect(n.run('TTL', 'k')).to.equal(-2);
      expect(n.node.env.stats.expired).to.equal(1);
    });

    it('TTL rounds to the nearest second; -1 without expiry, -2 when absent', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v', 'PX', '10000');
      n.clock.advance(4501);
      expect(n.run('TTL', 'k')).to.equal(5); // 5499 ms
      n.clock.advance(2);
      expect(n.run('TTL', 'k')).to.equal(5); // 5497 ms
      n.clock.advance(998);
      expect([n.run('TTL', 'k'), n.run('PTTL', 'k')]).to.deep.equal([4, 4499]);
      n.run('SET', 'p', 'v');
      expect([n.run('TTL', 'p'), n.run('PTTL', 'p'), n.run('TTL', 'x'), n.run('PTTL', 'x')]).to.deep.equal([-1, -1, -2, -2]);
    });

    it('EXPIREAT / PEXPIREAT take absolute times; EXPIRETIME / PEXPIRETIME report them', () => {
      const n = new UnitNode();
      const now = n.clock.now();
      n.run('SET', 'k', 'v');
      expect(n.run('EXPIRETIME', 'k')).to.equal(-1);
      expect(n.run('PEXPIREAT', 'k', String(now + 60_700))).to.equal(1);
      expect(n.run('PEXPIRETIME', 'k')).to.equal(now + 60_700);
      expect(n.run('EXPIRETIME', 'k')).to.equal(Math.floor((now + 60_700 + 500) / 1000));
      expect(n.run('EXPIREAT', 'k', String(now / 1000 + 100))).to.equal(1);
      expect(n.run('PTTL', 'k')).to.equal(100_000);
      expect([n.run('EXPIRETIME', 'x'), n.run('PEXPIRETIME', 'x')]).to.deep.equal([-2, -2]);
      expect(n.run('PEXPIRE', 'k', '1500')).to.equal(1);
      expect(n.run('PEXPIRETIME', 'k')).to.equal(now + 1500);
    });

    it('a time at or before now deletes the key and replies 1; an absent key replies 0', () => {
      const n = new UnitNode();
      for (const [cmd, t] of [
        ['EXPIRE', '0'],
        ['EXPIRE', '-5'],
        ['PEXPIRE', '0'],
        ['EXPIREAT', '1'],
        ['PEXPIREAT', String(n.clock.now())],
      ]) {
        n.run('SET', 'k', 'v');
        expect(n.run(cmd, 'k', t), `${cmd} ${t}`).to.equal(1);
        expect(n.run('EXISTS', 'k')).to.equal(0);
      }
      expect(n.run('EXPIRE', 'absent', '10')).to.equal(0);
      expect(n.run('EXPIRE', 'absent', '-10')).to.equal(0);
    });

    it('NX, XX, GT and LT set the expiry only when their condition holds (no expiry counts as infinite)', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      expect(n.run('EXPIRE', 'k', '100', 'XX')).to.equal(0);
      expect(n.run('EXPIRE', 'k', '100', 'GT')).to.equal(0);
      expect(n.run('EXPIRE', 'k', '100', 'nx')).to.equal(1);
      expect(n.run('EXPIRE', 'k', '200', 'NX')).to.equal(0);
      expect(n.run('EXPIRE', 'k', '50', 'GT')).to.equal(0);
      expect(n.run('EXPIRE', 'k', '100', 'GT')).to.equal(0);
      expect(n.run('EXPIRE', 'k', '150', 'gt')).to.equal(1);
      expect(n.run('EXPIRE', 'k', '150', 'LT')).to.equal(0);
      expect(n.run('EXPIRE', 'k', '120', 'LT', 'XX')).to.equal(1);
      expect(n.run('TTL', 'k')).to.equal(120);
      expect(n.run('PERSIST', 'k')).to.equal(1);
      expect(n.run('EXPIRE', 'k', '30', 'LT')).to.equal(1);
      expect(n.run('TTL', 'k')).to.equal(30);
      expect(n.run('EXPIRE', 'k', '0', 'GT')).to.equal(0); // the condition is checked before the deletion
      expect(n.run('EXISTS', 'k')).to.equal(1);
    });

    it('rejects bad options and times with Redis 7\'s texts', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      const nxConflict = 'ERR NX and XX, GT or LT options at the same time are not compatible';
      expect(err(n.run('EXPIRE', 'k', '10', 'NX', 'XX'))).to.equal(nxConflict);
      expect(err(n.run('EXPIRE', 'k', '10', 'nx', 'gt'))).to.equal(nxConflict);
      expect(err(n.run('PEXPIRE', 'missing', '10', 'NX', 'LT'))).to.equal(nxConflict);
      expect(err(n.run('EXPIRE', 'k', '10', 'GT', 'LT'))).to.equal('ERR GT and LT options at the same time are not compatible');
      expect(err(n.run('EXPIRE', 'k', '10', 'foo'))).to.equal('ERR Unsupported option foo');
      expect(err(n.run('EXPIRE', 'k', 'abc', 'GT', 'LT'))).to.equal('ERR GT and LT options at the same time are not compatible');
      expect(err(n.run('EXPIRE', 'k', 'abc'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('EXPIRE', 'k', '1.5'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('EXPIRE', 'k', '9223372036854775'))).to.equal("ERR invalid expire time in 'expire' command");
      expect(err(n.run('EXPIRE', 'k', '-9223372036854776'))).to.equal("ERR invalid expire time in 'expire' command");
      expect(err(n.run('expireat', 'k', '9223372036854776'))).to.equal("ERR invalid expire time in 'expireat' command");
      expect(err(n.run('PEXPIRE', 'k', '9223372036854775807'))).to.equal("ERR invalid expire time in 'pexpire' command");
      expect(err(n.run('EXPIRE', 'k'))).to.equal("ERR wrong number of arguments for 'expire' command");
      expect(n.run('EXISTS', 'k')).to.equal(1);
    });

    it('accepts expiry times up to 2^63-1 ms, as Redis, clamping what it stores below 2^63', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      expect(n.run('PEXPIREAT', 'k', '9223372036854775807')).to.equal(1);
      const at = BigInt(n.raw(['PEXPIRETIME', 'k']).slice(1, -2));
      expect(at > 9220000000000000000n && at <= 2n ** 63n - 1n, String(at)).to.equal(true);
      expect(n.run('EXPIREAT', 'k', '9223372036854775')).to.equal(1);
      expect(n.run('PEXPIRE', 'k', '-9223372036854775808')).to.equal(1);
      expect(n.run('EXISTS', 'k')).to.equal(0);
    });

    it('PERSIST removes a TTL: 1, or 0 when absent or without one', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v', 'EX', '10');
      expect(n.run('PERSIST', 'k')).to.equal(1);
      expect(n.run('PERSIST', 'k')).to.equal(0);
      expect(n.run('PERSIST', 'missing')).to.equal(0);
      n.clock.advance(20_000);
      expect(n.run('GET', 'k')).to.equal('v');
    });
  });

  describe('KEYS, SCAN, RANDOMKEY', () => {
    it('KEYS returns the live keys matching a glob', () => {
      const n = new UnitNode();
      for (const k of ['hello', 'hallo', 'hxllo', 'world', 'h*llo']) n.run('SET', k, '1');
      n.run('SET', 'hillo', '1', 'PX', '5');
      n.clock.advance(5);
      expect((n.run('KEYS', '*') as string[]).sort()).to.deep.equal(['h*llo', 'hallo', 'hello', 'hxllo', 'world']);
      expect((n.run('KEYS', 'h[ae]llo') as string[]).sort()).to.deep.equal(['hallo', 'hello']);
      expect(n.run('KEYS', 'h\\*llo')).to.deep.equal(['h*llo']);
      expect(n.run('KEYS', 'nothing*')).to.deep.equal([]);
    });

    it('SCAN walks every key once with MATCH, COUNT and TYPE', () => {
      const n = new UnitNode();
      for (let i = 0; i < 100; i++) n.run('SET', `key:${i}`, 'v');
      for (let i = 0; i < 10; i++) n.run('SET', `other:${i}`, 'v');
      const all = scanAll(n, 'COUNT', '7');
      expect(all.keys.length).to.equal(110);
      expect(new Set(all.keys).size).to.equal(110);
      expect(all.calls).to.be.greaterThan(10);
      const matched = scanAll(n, 'MATCH', 'other:*', 'COUNT', '1000');
      expect(matched.calls).to.equal(1);
      expect(matched.keys.sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `other:${i}`).sort());
      expect(scanAll(n, 'TYPE', 'STRING').keys.length).to.equal(110);
      expect(scanAll(n, 'TYPE', 'hash').keys).to.deep.equal([]);
      expect(scanAll(n, 'MATCH', '*', 'COUNT', '1000').keys.length).to.equal(110);
    });

    it('SCAN returns every key present for the whole scan while keys are added and deleted between calls', () => {
      const n = new UnitNode();
      for (let i = 0; i < 300; i++) n.run('SET', `stable:${i}`, 'v');
      for (let i = 0; i < 300; i++) n.run('SET', `churn:${i}`, 'v');
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, batch] = n.run('SCAN', cursor, 'COUNT', '15') as [string, string[]];
        for (const k of batch) seen.add(k);
        cursor = next;
        for (let j = 0; j < 6; j++) n.run('DEL', `churn:${(round * 13 + j * 7) % 300}`);
        for (let j = 0; j < 5; j++) n.run('SET', `new:${round}:${j}`, 'v');
        round++;
      } while (cursor !== '0' && round < 1000);
      expect(cursor).to.equal('0');
      for (let i = 0; i < 300; i++) expect(seen.has(`stable:${i}`), `stable:${i}`).to.equal(true);
    });

    it('SCAN never returns expired keys, and removes those it meets', () => {
      const n = new UnitNode();
      for (let i = 0; i < 20; i++) n.run('SET', `k${i}`, 'v', ...(i % 2 ? ['PX', '100'] : []));
      n.clock.advance(100);
      const keys = scanAll(n, 'COUNT', '1000').keys;
      expect(keys.length).to.equal(10);
      for (const k of keys) expect(Number(k.slice(1)) % 2).to.equal(0);
      expect(n.run('DBSIZE')).to.equal(10);
    });

    it('SCAN parses its cursor as strtoull and rejects bad cursors and options', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      expect(n.run('SCAN', '+0')).to.deep.equal(['0', ['a']]);
      expect(n.run('SCAN', '00')).to.deep.equal(['0', ['a']]);
      expect(n.run('SCAN', '')).to.deep.equal(['0', ['a']]);
      expect(n.run('SCAN', '-1')).to.deep.equal(['0', []]);
      expect(n.run('SCAN', '18446744073709551615')).to.deep.equal(['0', []]);
      for (const bad of ['18446744073709551616', 'abc', '1.5', ' 1', '1 ', '-', '0x10']) {
        expect(err(n.run('SCAN', bad)), bad).to.equal('ERR invalid cursor');
      }
      expect(err(n.run('SCAN', 'x', 'COUNT', '0'))).to.equal('ERR invalid cursor');
      expect(err(n.run('SCAN', '0', 'COUNT', '0'))).to.equal('ERR syntax error');
      expect(err(n.run('SCAN', '0', 'COUNT', '-1'))).to.equal('ERR syntax error');
      expect(err(n.run('SCAN', '0', 'COUNT', 'x'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('SCAN', '0', 'MATCH'))).to.equal('ERR syntax error');
      expect(err(n.run('SCAN', '0', 'foo', 'bar'))).to.equal('ERR syntax error');
    });

    it('RANDOMKEY returns a live key, nil when none is left', () => {
      const n = new UnitNode();
      expect(n.run('RANDOMKEY')).to.equal(null);
      for (let i = 0; i < 10; i++) n.run('SET', `v${i}`, 'x', 'PX', '10');
      n.run('SET', 'live', 'x');
      n.clock.advance(10);
      for (let i = 0; i < 20; i++) expect(n.run('RANDOMKEY')).to.equal('live');
      n.run('DEL', 'live');
      expect(n.run('RANDOMKEY')).to.equal(null);
      expect(n.run('DBSIZE')).to.equal(0);
    });
  });

  describe('RENAME, RENAMENX, COPY, MOVE', () => {
    it('RENAME moves the value with its TTL, overwriting the destination', () => {
      const n = new UnitNode();
      n.run('SET', 'a', 'va', 'EX', '100');
      n.run('SET', 'b', 'vb');
      expect(n.run('RENAME', 'a', 'b')).to.equal('OK');
      expect([n.run('GET', 'a'), n.run('GET', 'b'), n.run('TTL', 'b')]).to.deep.equal([null, 'va', 100]);
      expect(n.run('RENAME', 'b', 'b')).to.equal('OK');
      expect(err(n.run('RENAME', 'missing', 'x'))).to.equal('ERR no such key');
      expect(err(n.run('RENAME', 'missing', 'missing'))).to.equal('ERR no such key');
      n.clock.advance(100_000);
      expect(err(n.run('RENAME', 'b', 'c'))).to.equal('ERR no such key');
    });

    it('RENAME keeps the access time (OBJECT IDLETIME) of the value', () => {
      const n = new UnitNode();
      n.run('SET', 'a', 'v');
      n.clock.advance(30_000);
      n.run('RENAME', 'a', 'b'); // the lookup of a touches it, as Redis's lookupKeyWrite
      n.clock.advance(12_000);
      expect(n.run('OBJECT', 'IDLETIME', 'b')).to.equal(12);
    });

    it('RENAMENX renames only onto an absent key', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      n.run('SET', 'b', '2');
      expect(n.run('RENAMENX', 'a', 'b')).to.equal(0);
      expect(n.run('RENAMENX', 'a', 'a')).to.equal(0);
      expect(n.run('RENAMENX', 'a', 'c')).to.equal(1);
      expect([n.run('GET', 'a'), n.run('GET', 'c')]).to.deep.equal([null, '1']);
      expect(err(n.run('RENAMENX', 'a', 'd'))).to.equal('ERR no such key');
    });

    it('COPY copies value and TTL, to another DB too, replacing only with REPLACE', () => {
      const n = new UnitNode();
      n.run('SET', 'src', 'v', 'EX', '50');
      expect(n.run('COPY', 'src', 'dst')).to.equal(1);
      expect([n.run('GET', 'dst'), n.run('TTL', 'dst'), n.run('GET', 'src')]).to.deep.equal(['v', 50, 'v']);
      n.run('SET', 'src', 'w');
      expect(n.run('COPY', 'src', 'dst')).to.equal(0);
      expect(n.run('COPY', 'src', 'dst', 'REPLACE')).to.equal(1);
      expect([n.run('GET', 'dst'), n.run('TTL', 'dst')]).to.deep.equal(['w', -1]);
      expect(n.run('COPY', 'src', 'src', 'DB', '3')).to.equal(1);
      expect(n.run('COPY', 'missing', 'x')).to.equal(0);
      n.run('SELECT', '3');
      expect(n.run('GET', 'src')).to.equal('w');
    });

    it('COPY errors: same object, DB index, syntax', () => {
      const n = new UnitNode();
      n.run('SET', 'a', 'v');
      expect(err(n.run('COPY', 'a', 'a'))).to.equal('ERR source and destination objects are the same');
      expect(err(n.run('COPY', 'x', 'x', 'DB', '0'))).to.equal('ERR source and destination objects are the same');
      expect(err(n.run('COPY', 'a', 'b', 'DB', '16'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('COPY', 'a', 'b', 'DB', '-1'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('COPY', 'a', 'b', 'DB', 'x'))).to.equal('ERR value is not an integer or out of range');
      // beyond int32: the range error, as redis-server 7.0.15 (and MOVE); beyond int64: not an integer
      const INT32 = 'ERR value is out of range, value must between -2147483648 and 2147483647';
      expect(err(n.run('COPY', 'a', 'b', 'DB', '2147483648'))).to.equal(INT32);
      expect(err(n.run('COPY', 'a', 'b', 'DB', '-2147483649'))).to.equal(INT32);
      expect(err(n.run('COPY', 'a', 'b', 'DB', '99999999999'))).to.equal(INT32);
      expect(err(n.run('COPY', 'a', 'b', 'DB', '2147483647'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('COPY', 'a', 'b', 'DB', '99999999999999999999'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('COPY', 'a', 'b', 'DB'))).to.equal('ERR syntax error');
      expect(err(n.run('COPY', 'a', 'b', 'FOO'))).to.equal('ERR syntax error');
    });

    it('MOVE moves a key with its TTL to another DB unless it exists there', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v', 'EX', '40');
      expect(n.run('MOVE', 'k', '1')).to.equal(1);
      expect(n.run('EXISTS', 'k')).to.equal(0);
      expect(n.run('MOVE', 'k', '1')).to.equal(0);
      n.run('SELECT', '1');
      expect([n.run('GET', 'k'), n.run('TTL', 'k')]).to.deep.equal(['v', 40]);
      n.run('SELECT', '0');
      n.run('SET', 'k', 'other');
      expect(n.run('MOVE', 'k', '1')).to.equal(0);
      expect(n.run('GET', 'k')).to.equal('other');
    });

    it('MOVE errors: same DB, range, not an integer', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      expect(err(n.run('MOVE', 'k', '0'))).to.equal('ERR source and destination objects are the same');
      expect(err(n.run('MOVE', 'k', '16'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('MOVE', 'k', '-1'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('MOVE', 'k', 'x'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('MOVE', 'k', '4294967296'))).to.equal(
        'ERR value is out of range, value must between -2147483648 and 2147483647',
      );
    });
  });

  describe('OBJECT', () => {
    it('ENCODING reports int, embstr or raw as Redis does for SET values; nil when absent', () => {
      const n = new UnitNode();
      const cases: Array<[string, string]> = [
        ['123', 'int'],
        ['-12', 'int'],
        ['9223372036854775807', 'int'],
        ['-9223372036854775808', 'int'],
        ['9223372036854775808', 'embstr'],
        ['-0', 'embstr'],
        ['01', 'embstr'],
        ['+1', 'embstr'],
        [' 1', 'embstr'],
        ['x'.repeat(44), 'embstr'],
        ['x'.repeat(45), 'raw'],
      ];
      for (const [v, enc] of cases) {
        n.run('SET', 'k', v);
        expect(n.run('object', 'encoding', 'k'), v).to.equal(enc);
      }
      expect(n.run('OBJECT', 'ENCODING', 'missing')).to.equal(null);
    });

    it('REFCOUNT is INT_MAX for shared small integers, 1 otherwise', () => {
      const n = new UnitNode();
      n.run('SET', 'small', '123');
      n.run('SET', 'big', '12345');
      n.run('SET', 's', 'text');
      expect([n.run('OBJECT', 'REFCOUNT', 'small'), n.run('OBJECT', 'REFCOUNT', 'big'), n.run('OBJECT', 'REFCOUNT', 's')]).to.deep.equal([
        2147483647, 1, 1,
      ]);
      n.config.set('maxmemory', '1mb');
      n.config.set('maxmemory-policy', 'allkeys-lru');
      expect(n.run('OBJECT', 'REFCOUNT', 'small')).to.equal(1);
      expect(n.run('OBJECT', 'REFCOUNT', 'missing')).to.equal(null);
    });

    it('IDLETIME counts seconds since the last access; OBJECT itself does not touch', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      n.clock.advance(5_000);
      expect(n.run('OBJECT', 'IDLETIME', 'k')).to.equal(5);
      n.clock.advance(5_000);
      n.run('EXISTS', 'k'); // no touch either
      expect(n.run('OBJECT', 'IDLETIME', 'k')).to.equal(10);
      n.run('GET', 'k');
      expect(n.run('OBJECT', 'IDLETIME', 'k')).to.equal(0);
      expect(n.run('OBJECT', 'IDLETIME', 'missing')).to.equal(null);
    });

    it('FREQ needs an LFU policy and IDLETIME needs a non-LFU one, with Redis\'s texts', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      expect(err(n.run('OBJECT', 'FREQ', 'k'))).to.equal(
        'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when ' +
          'switching between policies at runtime LRU and LFU data will take some time to adjust.',
      );
      n.config.set('maxmemory-policy', 'allkeys-lfu');
      n.run('SET', 'f', 'v');
      expect(n.run('OBJECT', 'FREQ', 'f')).to.equal(5); // LFU_INIT_VAL
      n.clock.advance(3 * 60_000); // lfu-decay-time 1: one decrement per idle minute
      expect(n.run('OBJECT', 'FREQ', 'f')).to.equal(2);
      expect(err(n.run('OBJECT', 'IDLETIME', 'f'))).to.equal(
        'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching ' +
          'between policies at runtime LRU and LFU data will take some time to adjust.',
      );
    });

    it('HELP lists the subcommands as status lines; unknown subcommands and arity as Redis', () => {
      const n = new UnitNode();
      const help = n.raw(['OBJECT', 'HELP']);
      expect(help.startsWith('*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n')).to.equal(true);
      expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).to.equal(true);
      expect(err(n.run('OBJECT', 'foo'))).to.equal("ERR unknown subcommand 'foo'. Try OBJECT HELP.");
      expect(err(n.run('OBJECT'))).to.equal("ERR wrong number of arguments for 'object' command");
      expect(err(n.run('OBJECT', 'ENCODING'))).to.equal("ERR wrong number of arguments for 'object|encoding' command");
      expect(err(n.run('OBJECT', 'HELP', 'x'))).to.equal("ERR wrong number of arguments for 'object|help' command");
    });
  });

  describe('DUMP and RESTORE', () => {
    it('round-trip binary values, nil for an absent key', () => {
      const n = new UnitNode();
      const value = '\x00\xff\r\nbinary\x80';
      n.run('SET', 'k', value);
      const payload = rawBulk(n, ['DUMP', 'k']);
      expect(n.raw(['DUMP', 'missing'])).to.equal('$-1\r\n');
      expect(n.run('RESTORE', 'copy', '0', payload)).to.equal('OK');
      expect(rawBulk(n, ['GET', 'copy'])).to.equal(value);
      expect(n.run('TTL', 'copy')).to.equal(-1);
    });

    it('BUSYKEY without REPLACE; REPLACE overwrites, value and TTL', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'new');
      const payload = rawBulk(n, ['DUMP', 'k']);
      n.run('SET', 'k', 'old', 'EX', '99');
      expect(err(n.run('RESTORE', 'k', '0', payload))).to.equal('BUSYKEY Target key name already exists.');
      expect(n.run('RESTORE', 'k', '5000', payload, 'REPLACE')).to.equal('OK');
      expect([n.run('GET', 'k'), n.run('PTTL', 'k')]).to.deep.equal(['new', 5000]);
      n.clock.advance(5000);
      expect(n.run('RESTORE', 'k', '0', payload)).to.equal('OK'); // expired: no longer busy
    });

    it('ABSTTL takes an absolute time; a past one answers OK without creating the key', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      const payload = rawBulk(n, ['DUMP', 'k']);
      const at = n.clock.now() + 7000;
      expect(n.run('RESTORE', 'a', String(at), payload, 'ABSTTL')).to.equal('OK');
      expect(n.run('PEXPIRETIME', 'a')).to.equal(at);
      expect(n.run('RESTORE', 'past', String(n.clock.now() - 1), payload, 'ABSTTL')).to.equal('OK');
      expect(n.run('EXISTS', 'past')).to.equal(0);
      expect(n.run('RESTORE', 'k', '1', payload, 'ABSTTL', 'REPLACE')).to.equal('OK');
      expect(n.run('EXISTS', 'k')).to.equal(0); // REPLACE removed the old key
    });

    it('REPLACE over an expired key removes it without counting an expiry (as redis 7.0.15\'s dbDelete)', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      const payload = rawBulk(n, ['DUMP', 'k']);
      n.run('SET', 'k', 'old', 'PX', '10');
      n.clock.advance(20);
      expect(n.run('RESTORE', 'k', '0', payload, 'REPLACE')).to.equal('OK');
      expect(n.run('GET', 'k')).to.equal('v');
      expect(n.node.env.stats.expired).to.equal(0);
      n.run('SET', 'k', 'old', 'PX', '10');
      n.clock.advance(20);
      expect(n.run('RESTORE', 'k', '0', payload)).to.equal('OK'); // without REPLACE the lookup expires it
      expect(n.node.env.stats.expired).to.equal(1);
    });

    it('RESTORE-ASKING is RESTORE; a past ABSTTL with REPLACE deletes the key (the migrator\'s delete)', () => {
      const n = new UnitNode();
      n.run('SET', 'e', '');
      const empty = rawBulk(n, ['DUMP', 'e']);
      n.run('SET', 'k', 'v', 'EX', '100');
      expect(n.run('RESTORE-ASKING', 'k', '1', empty, 'REPLACE', 'ABSTTL')).to.equal('OK');
      expect(n.run('EXISTS', 'k')).to.equal(0);
      expect(n.run('RESTORE-ASKING', 'absent', '1', empty, 'REPLACE', 'ABSTTL')).to.equal('OK');
      expect(n.run('EXISTS', 'absent')).to.equal(0);
      const at = n.clock.now() + 5000;
      expect(n.run('RESTORE-ASKING', 'k', String(at), rawBulk(n, ['DUMP', 'e']), 'REPLACE', 'ABSTTL')).to.equal('OK');
      expect(n.run('PEXPIRETIME', 'k')).to.equal(at);
      expect(err(n.run('RESTORE-ASKING', 'k', '0'))).to.equal("ERR wrong number of arguments for 'restore-asking' command");
    });

    it('IDLETIME and FREQ set the access field', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      const payload = rawBulk(n, ['DUMP', 'k']);
      expect(n.run('RESTORE', 'idle', '0', payload, 'IDLETIME', '300')).to.equal('OK');
      expect(n.run('OBJECT', 'IDLETIME', 'idle')).to.equal(300);
      n.config.set('maxmemory-policy', 'volatile-lfu');
      expect(n.run('RESTORE', 'hot', '0', payload, 'FREQ', '200')).to.equal('OK');
      expect(n.run('OBJECT', 'FREQ', 'hot')).to.equal(200);
    });

    it('errors in Redis\'s order and texts', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      const payload = rawBulk(n, ['DUMP', 'k']);
      expect(err(n.run('RESTORE', 'k', '0', 'junk'))).to.equal('BUSYKEY Target key name already exists.');
      expect(err(n.run('RESTORE', 'k', 'abc', 'junk'))).to.equal('BUSYKEY Target key name already exists.');
      expect(err(n.run('RESTORE', 'b', '-1', payload))).to.equal('ERR Invalid TTL value, must be >= 0');
      expect(err(n.run('RESTORE', 'b', 'abc', payload))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('RESTORE', 'b', '0', 'junk'))).to.equal('ERR DUMP payload version or checksum are wrong');
      const tampered = payload.slice(0, 2) + 'X' + payload.slice(3);
      expect(err(n.run('RESTORE', 'b', '0', tampered))).to.equal('ERR DUMP payload version or checksum are wrong');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'FOO'))).to.equal('ERR syntax error');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'IDLETIME'))).to.equal('ERR syntax error');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'IDLETIME', '1', 'FREQ', '1'))).to.equal('ERR syntax error');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'FREQ', '1', 'IDLETIME', '1'))).to.equal('ERR syntax error');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'IDLETIME', '-1'))).to.equal('ERR Invalid IDLETIME value, must be >= 0');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'IDLETIME', 'x'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('RESTORE', 'b', '0', payload, 'FREQ', '256'))).to.equal('ERR Invalid FREQ value, must be >= 0 and <= 255');
      expect(n.run('EXISTS', 'b')).to.equal(0);
    });
  });

  describe('declarations', () => {
    // name: [arity, flags, first key, last key, step, ACL categories], as redis-server 7.0's COMMAND INFO.
    const REDIS: Record<string, [number, string[], number, number, number, string[]]> = {
      del: [-2, ['write'], 1, -1, 1, ['keyspace', 'write', 'slow']],
      unlink: [-2, ['write', 'fast'], 1, -1, 1, ['keyspace', 'write', 'fast']],
      exists: [-2, ['readonly', 'fast'], 1, -1, 1, ['keyspace', 'read', 'fast']],
      type: [2, ['readonly', 'fast'], 1, 1, 1, ['keyspace', 'read', 'fast']],
      expire: [-3, ['write', 'fast'], 1, 1, 1, ['keyspace', 'write', 'fast']],
      pexpire: [-3, ['write', 'fast'], 1, 1, 1, ['keyspace', 'write', 'fast']],
      expireat: [-3, ['write', 'fast'], 1, 1, 1, ['keyspace', 'write', 'fast']],
      pexpireat: [-3, ['write', 'fast'], 1, 1, 1, ['keyspace', 'write', 'fast']],
      ttl: [2, ['readonly', 'fast'], 1, 1, 1, ['keyspace', 'read', 'fast']],
      pttl: [2, ['readonly', 'fast'], 1, 1, 1, ['keyspace', 'read', 'fast']],
      expiretime: [2, ['readonly', 'fast'], 1, 1, 1, ['keyspace', 'read', 'fast']],
      pexpiretime: [2, ['readonly', 'fast'], 1, 1, 1, ['keyspace', 'read', 'fast']],
      persist: [2, ['write', 'fast'], 1, 1, 1, ['keyspace', 'write', 'fast']],
      keys: [2, ['readonly'], 0, 0, 0, ['keyspace', 'read', 'slow', 'dangerous']],
      scan: [-2, ['readonly'], 0, 0, 0, ['keyspace', 'read', 'slow']],
      randomkey: [1, ['readonly'], 0, 0, 0, ['keyspace', 'read', 'slow']],
      rename: [3, ['write'], 1, 2, 1, ['keyspace', 'write', 'slow']],
      renamenx: [3, ['write', 'fast'], 1, 2, 1, ['keyspace', 'write', 'fast']],
      touch: [-2, ['readonly', 'fast'], 1, -1, 1, ['keyspace', 'read', 'fast']],
      copy: [-3, ['write', 'denyoom'], 1, 2, 1, ['keyspace', 'write', 'slow']],
      move: [3, ['write', 'fast'], 1, 1, 1, ['keyspace', 'write', 'fast']],
      object: [-2, [], 0, 0, 0, ['slow']],
      'object|encoding': [3, ['readonly'], 2, 2, 1, ['keyspace', 'read', 'slow']],
      'object|freq': [3, ['readonly'], 2, 2, 1, ['keyspace', 'read', 'slow']],
      'object|idletime': [3, ['readonly'], 2, 2, 1, ['keyspace', 'read', 'slow']],
      'object|refcount': [3, ['readonly'], 2, 2, 1, ['keyspace', 'read', 'slow']],
      'object|help': [2, ['loading', 'stale'], 0, 0, 0, ['keyspace', 'slow']],
      dump: [2, ['readonly'], 1, 1, 1, ['keyspace', 'read', 'slow']],
      restore: [-4, ['write', 'denyoom'], 1, 1, 1, ['keyspace', 'write', 'slow', 'dangerous']],
      'restore-asking': [-4, ['write', 'denyoom', 'asking'], 1, 1, 1, ['keyspace', 'write', 'slow', 'dangerous']],
    };
    const declared = new Map<string, CommandSpec>();
    for (const s of keyspaceCommands) {
      if (s.name === 'restore-piece') continue; // ours, not Redis's (restore-piece.spec.ts)
      declared.set(s.name, s);
      for (const sub of s.subcommands ?? []) declared.set(`${s.name}|${sub.name}`, sub);
    }

    it('declares exactly the keyspace commands', () => {
      expect([...declared.keys()].sort()).to.deep.equal(Object.keys(REDIS).sort());
    });

    for (const [name, [arity, flags, first, last, step, acl]] of Object.entries(REDIS)) {
      it(`${name} matches COMMAND INFO`, () => {
        const s = declared.get(name) as CommandSpec;
        expect(s.group).to.equal(name === 'restore-asking' ? 'server' : 'generic'); // as Redis's COMMAND DOCS
        expect([s.arity, [...s.flags], s.keys.first, s.keys.last, s.keys.step]).to.deep.equal([arity, flags, first, last, step]);
        expect([...s.acl]).to.deep.equal(acl);
        expect(s.handler !== undefined || s.subcommands !== undefined).to.equal(true);
      });
    }
  });
});
