// SORT and SORT_RO through the real dispatcher, on sets (lists and sorted sets plug in through the hooks
// of lib/commands/sort.ts): numeric and ALPHA order, DESC, LIMIT, BY patterns (keys and hash fields,
// constant patterns that do not sort), GET patterns (# and ->field), STORE, the errors in Redis's order,
// the keys SORT declares, and cluster mode's refusals; C's strtod for the weights.
import { expect } from 'chai';
import { ClusterAgent } from '../../lib/cluster/agent';
import { validateTopology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { sortKeys, sortScore } from '../../lib/commands/sort';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const SCORES = "ERR One or more scores can't be converted into double";

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

const A = 'a'.repeat(40);

/** A node in cluster mode owning every slot (as spec/commands/cluster.spec.ts builds it). */
function clusterNode(): UnitNode {
  const n = new UnitNode();
  n.node.dbs[0].enableSlotIndex();
  const t = validateTopology({
    version: 5,
    nodes: { [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 5 } },
    shards: { sa: { primary: A, replicas: [], inSync: [] } },
    slots: [[0, 16383, 'sa']],
    migrating: [],
  });
  const fake = { membership: { readsFenced: () => false }, myId: A, view: new ClusterView(t, [A]), myShard: 'sa', isPrimary: true, gate: null, writesFenced: () => false, stateOk: true, requireFullCoverage: true, migrator: null, coordinator: true, slotsReassigned: 7, etcdReachable: 1, etcdLeaseAgeMs: 120, unavailable: false };
  n.node.cluster = Object.setPrototypeOf(fake, ClusterAgent.prototype) as ClusterAgent;
  return n;
}

describe('SORT and SORT_RO', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
    n.run('SADD', 's', '3', '1', '10', '2', '-5', '2.5');
  });

  it('sorts numerically, DESC reverses, ALPHA compares bytes', () => {
    expect(n.run('SORT', 's')).to.deep.equal(['-5', '1', '2', '2.5', '3', '10']);
    expect(n.run('SORT', 's', 'DESC')).to.deep.equal(['10', '3', '2.5', '2', '1', '-5']);
    expect(n.run('SORT', 's', 'ALPHA')).to.deep.equal(['-5', '1', '10', '2', '2.5', '3']);
    expect(n.run('SORT', 's', 'alpha', 'desc')).to.deep.equal(['3', '2.5', '2', '10', '1', '-5']);
    expect(n.run('SORT', 's', 'DESC', 'ASC')).to.deep.equal(['-5', '1', '2', '2.5', '3', '10']);
    expect(n.run('SORT_RO', 's')).to.deep.equal(['-5', '1', '2', '2.5', '3', '10']);
    expect(n.run('SORT', 'nokey')).to.deep.equal([]);
  });

  it('numeric ties are broken by the elements\' bytes; a non-number fails the whole command', () => {
    n.run('SADD', 't', '1.0', '1', '01', '1e0', ' 1');
    expect(n.run('SORT', 't')).to.deep.equal([' 1', '01', '1', '1.0', '1e0']);
    n.run('SADD', 'bad', '1', 'x');
    expect(errorOf(n.run('SORT', 'bad'))).to.equal(SCORES);
    expect(n.run('SORT', 'bad', 'ALPHA')).to.deep.equal(['1', 'x']);
    n.run('SADD', 'inf', 'inf', '-inf', '0', '1e400');
    expect(errorOf(n.run('SORT', 'inf'))).to.equal(SCORES); // 1e400 overflows (ERANGE)
    n.run('SREM', 'inf', '1e400');
    expect(n.run('SORT', 'inf')).to.deep.equal(['-inf', '0', 'inf']);
  });

  it('LIMIT offset count: clamped as Redis (negative offset 0, negative count all, beyond: empty)', () => {
    expect(n.run('SORT', 's', 'LIMIT', '1', '2')).to.deep.equal(['1', '2']);
    expect(n.run('SORT', 's', 'LIMIT', '0', '0')).to.deep.equal([]);
    expect(n.run('SORT', 's', 'LIMIT', '-3', '2')).to.deep.equal(['-5', '1']);
    expect(n.run('SORT', 's', 'LIMIT', '4', '-1')).to.deep.equal(['3', '10']);
    expect(n.run('SORT', 's', 'LIMIT', '4', '100')).to.deep.equal(['3', '10']);
    expect(n.run('SORT', 's', 'LIMIT', '6', '1')).to.deep.equal([]);
    expect(n.run('SORT', 's', 'LIMIT', '9223372036854775807', '9223372036854775807')).to.deep.equal([]);
    expect(n.run('SORT', 's', 'LIMIT', '-9223372036854775808', '1')).to.deep.equal(['-5']);
    expect(n.run('SORT', 's', 'DESC', 'LIMIT', '0', '2')).to.deep.equal(['10', '3']);
    expect(errorOf(n.run('SORT', 's', 'LIMIT', 'x', '1'))).to.equal(NOT_INT);
    expect(errorOf(n.run('SORT', 's', 'LIMIT', '1', 'x'))).to.equal(NOT_INT);
    expect(errorOf(n.run('SORT', 's', 'LIMIT', '1'))).to.equal(SYNTAX);
  });

  it('BY a pattern: weights from string keys (missing: 0) or hash fields; ALPHA BY compares the weights', () => {
    n.run('MSET', 'w_1', '30', 'w_2', '20', 'w_3', '10', 'w_10', '5', 'w_2.5', '-1');
    expect(n.run('SORT', 's', 'BY', 'w_*')).to.deep.equal(['2.5', '-5', '10', '3', '2', '1']); // -5 weighs 0
    expect(n.run('SORT', 's', 'BY', 'w_*', 'DESC', 'LIMIT', '0', '2')).to.deep.equal(['1', '2']);
    n.run('HSET', 'h_1', 'f', 'b');
    n.run('HSET', 'h_2', 'f', 'a');
    n.run('HSET', 'h_3', 'g', 'x');
    n.run('SET', 'h_10', 'a string, not a hash');
    expect(n.run('SORT', 's', 'BY', 'h_*->f', 'ALPHA')).to.deep.equal(['-5', '3', '10', '2.5', '2', '1']); // no weight: first, in the set's order
    expect(n.run('SORT', 's', 'BY', 'h_*->f', 'ALPHA', 'DESC', 'LIMIT', '0', '2')).to.deep.equal(['1', '2']);
    n.run('SET', 'bad_1', 'x');
    expect(errorOf(n.run('SORT', 's', 'BY', 'bad_*'))).to.equal(SCORES);
    expect(n.run('SORT', 's', 'BY', 'bad_*', 'ALPHA', 'LIMIT', '5', '1')).to.deep.equal(['1']);
  });

  it('only the first * is replaced; -> needs a field after it', () => {
    n.run('SADD', 'k', 'a', 'b');
    n.run('SET', 'x_a_*', '2');
    n.run('SET', 'x_b_*', '1');
    expect(n.run('SORT', 'k', 'BY', 'x_*_*')).to.deep.equal(['b', 'a']);
    n.run('SET', 'y_a->', '2');
    n.run('SET', 'y_b->', '1');
    expect(n.run('SORT', 'k', 'BY', 'y_*->')).to.deep.equal(['b', 'a']);
    n.run('HSET', 'z->a', 'q', '5');
    expect(n.run('SORT', 'k', 'ALPHA', 'GET', 'z->*')).to.deep.equal([null, null]);
    expect(n.run('SORT', 'k', 'ALPHA', 'GET', 'z->*->q')).to.deep.equal(['5', null]);
  });

  it('BY a constant (no *) does not sort: a set in its order, DESC ignored; for STORE a set is sorted ALPHA', () => {
    n.run('SADD', 'i', '3', '1', '2');
    expect(n.run('SORT', 'i', 'BY', 'nosort')).to.deep.equal(['1', '2', '3']);
    expect(n.run('SORT', 'i', 'BY', 'nosort', 'DESC')).to.deep.equal(['1', '2', '3']);
    n.run('SADD', 'l', 'z', 'x', 'y');
    expect(n.run('SORT', 'l', 'BY', 'nosort')).to.deep.equal(['z', 'x', 'y']);
    expect(n.run('SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '5')).to.deep.equal(['x', 'y']);
    expect(n.run('SORT', 'l', 'BY', 'nosort', 'BY', 'w_*')).to.deep.equal(['z', 'x', 'y']); // dontsort sticks
    expect(n.run('SORT', 'l', 'BY', 'nosort', 'GET', '#', 'GET', 'nokey')).to.deep.equal(['z', null, 'x', null, 'y', null]);
  });

  it('GET patterns: # is the element, missing keys and non-strings give nil, hash fields with ->', () => {
    n.run('SADD', 'k', '1', '2', '3');
    n.run('MSET', 'o_1', 'one', 'o_2', 'two');
    n.run('HSET', 'h_1', 'name', 'uno');
    n.run('SADD', 'o_3', 'a set');
    expect(n.run('SORT', 'k', 'GET', 'o_*')).to.deep.equal(['one', 'two', null]);
    expect(n.run('SORT', 'k', 'GET', '#', 'GET', 'o_*', 'GET', 'h_*->name')).to.deep.equal(['1', 'one', 'uno', '2', 'two', null, '3', null, null]);
    expect(n.run('SORT', 'k', 'GET', 'constant')).to.deep.equal([null, null, null]);
    expect(n.run('SORT', 'k', 'DESC', 'LIMIT', '0', '1', 'GET', 'o_*', 'GET', '#')).to.deep.equal([null, '3']);
    expect(n.run('SORT', 'k', 'LIMIT', '5', '5', 'GET', '#')).to.deep.equal([]);
  });

  it('STORE: an empty result deletes the destination and answers 0; a result is stored as a list without TTL', () => {
    n.run('SET', 'dst', 'x');
    expect(n.run('SORT', 'nokey', 'STORE', 'dst')).to.equal(0);
    expect(n.run('EXISTS', 'dst')).to.equal(0);
    expect(n.run('SORT', 's', 'LIMIT', '0', '0', 'STORE', 'dst')).to.equal(0);
    n.run('SET', 'dst', 'x', 'EX', '100');
    const stored = n.run('SORT', 's', 'STORE', 'dst') as number;
    expect(stored).to.be.greaterThan(0);
    expect(n.run('TYPE', 'dst')).to.equal('list');
    expect(n.run('LRANGE', 'dst', '0', '-1')).to.deep.equal(n.run('SORT', 's'));
    expect(n.run('TTL', 'dst')).to.equal(-1);
    expect(n.run('OBJECT', 'ENCODING', 'dst')).to.equal('listpack');
    n.run('RPUSH', 'l', '3', '1', '2');
    expect(n.run('SORT', 'l', 'DESC', 'STORE', 'dst')).to.equal(3);
    expect(n.run('LRANGE', 'dst', '0', '-1')).to.deep.equal(['3', '2', '1']);
    n.run('DEL', 'dst');
    n.run('SADD', 'bad', 'x');
    expect(errorOf(n.run('SORT', 'bad', 'STORE', 'dst'))).to.equal(SCORES);
  });

  it('errors in Redis\'s order: syntax, then WRONGTYPE, then scores; SORT_RO has no STORE', () => {
    n.run('SET', 'str', 'v');
    n.run('HSET', 'hash', 'f', 'v');
    expect(errorOf(n.run('SORT', 'str'))).to.equal('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(errorOf(n.run('SORT', 'hash', 'ALPHA'))).to.equal('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(errorOf(n.run('SORT', 'str', 'BADOPT'))).to.equal(SYNTAX);
    expect(errorOf(n.run('SORT', 's', 'BY'))).to.equal(SYNTAX);
    expect(errorOf(n.run('SORT', 's', 'GET'))).to.equal(SYNTAX);
    expect(errorOf(n.run('SORT', 's', 'STORE'))).to.equal(SYNTAX);
    expect(errorOf(n.run('SORT_RO', 's', 'STORE', 'd'))).to.equal(SYNTAX);
    expect(errorOf(n.run('SORT_RO', 's', 'LIMIT', 'x', '1'))).to.equal(NOT_INT);
    expect(errorOf(n.run('SORT'))).to.equal("ERR wrong number of arguments for 'sort' command");
  });

  it('declares the sorted key and the last STORE destination (Redis\'s sortGetKeys, quirks included)', () => {
    expect(sortKeys(['SORT', 'k'])).to.deep.equal([1]);
    expect(sortKeys(['SORT', 'k', 'STORE', 'd'])).to.deep.equal([1, 3]);
    expect(sortKeys(['SORT', 'k', 'STORE', 'd', 'STORE', 'e'])).to.deep.equal([1, 5]);
    expect(sortKeys(['SORT', 'k', 'GET', 'store', 'STORE', 'd'])).to.deep.equal([1, 5]);
    expect(sortKeys(['SORT', 'k', 'LIMIT', 'store', 'x', 'y'])).to.deep.equal([1]);
    expect(sortKeys(['SORT', 'k', 'STORE'])).to.deep.equal([1]);
    expect(n.run('COMMAND', 'GETKEYS', 'SORT', 'k', 'BY', 'w_*', 'STORE', 'd')).to.deep.equal(['k', 'd']);
    expect(n.run('COMMAND', 'GETKEYS', 'SORT_RO', 'k', 'STORE', 'd')).to.deep.equal(['k']);
  });

  it('effects: none without STORE; an emptied destination as DEL', () => {
    n.node.repl.ensureBacklog();
    n.run('SET', 'init', '1');
    n.run('SET', 'dst', 'x');
    expect(n.effects(() => n.run('SORT', 's'))).to.deep.equal([]);
    expect(n.effects(() => n.run('SORT', 'nokey', 'STORE', 'dst'))).to.deep.equal([['DEL', 'dst']]);
    expect(n.effects(() => n.run('SORT', 'nokey', 'STORE', 'dst'))).to.deep.equal([]);
  });

  describe('cluster mode (Redis 7.2\'s refusals)', () => {
    it('refuses BY with a * and any GET; a constant BY and the rest work', () => {
      const c = clusterNode();
      c.run('SADD', '{t}s', '2', '1');
      expect(errorOf(c.run('SORT', '{t}s', 'BY', '{t}w_*'))).to.equal('ERR BY option of SORT denied in Cluster mode.');
      expect(errorOf(c.run('SORT', '{t}s', 'GET', '#'))).to.equal('ERR GET option of SORT denied in Cluster mode.');
      expect(errorOf(c.run('SORT_RO', '{t}s', 'GET', '{t}o_*'))).to.equal('ERR GET option of SORT denied in Cluster mode.');
      expect(c.run('SORT', '{t}s', 'BY', 'nosort')).to.deep.equal(['1', '2']);
      expect(c.run('SORT', '{t}s', 'DESC', 'LIMIT', '0', '1')).to.deep.equal(['2']);
      expect(errorOf(c.run('SORT', '{t}s', 'STORE', 'elsewhere'))).to.equal("CROSSSLOT Keys in request don't hash to the same slot");
    });
  });

  describe('sortScore: C strtod over the whole value', () => {
    const cases: Array<[string, number | null]> = [
      ['', 0],
      ['0', 0],
      ['-0', -0],
      ['1.5', 1.5],
      ['  7', 7],
      ['\t-2e3', -2000],
      ['.5', 0.5],
      ['5.', 5],
      ['+3', 3],
      ['1e308', 1e308],
      ['0x10', 16],
      ['0x1.8p1', 3],
      ['-0X.8', -0.5],
      ['inf', Infinity],
      ['-Infinity', -Infinity],
      ['12\x00junk', 12],
      ['1e400', null],
      ['1e-400', null],
      ['nan', null],
      ['NaN(123)', null],
      ['7 ', null],
      ['  ', null],
      ['abc', null],
      ['1e', null],
      ['0x', null],
      ['-', null],
      ['1,5', null],
    ];
    for (const [s, want] of cases) {
      it(JSON.stringify(s), () => {
        const got = sortScore(s);
        if (want === null) expect(got).to.equal(null);
        else expect(Object.is(got, want), String(got)).to.equal(true);
      });
    }
  });
});
