// RESTORE-PIECE (ours): a value's DUMP payload in pieces, staged per connection outside the keyspace and
// restored whole with the last piece (store/staging.ts); what it relays to replicas.
import { expect } from 'chai';
import { DumpWriter } from '../../lib/store/dump';
import type { Value } from '../../lib/store/value';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

function err(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

/** The pieces of key's value on n (up to `items` elements each). */
function piecesOf(n: UnitNode, key: string, items: number): string[] {
  const db = n.node.dbs[0];
  const w = new DumpWriter(db.valueAt(db.peek(key)) as Value);
  const out: string[] = [];
  while (!w.done) out.push(w.next(Infinity, items));
  return out;
}

/** A node with a 100-field hash `src` and its 10 pieces. */
function setup(): { n: UnitNode; pieces: string[] } {
  const n = new UnitNode();
  const args: string[] = [];
  for (let i = 0; i < 100; i++) args.push(`f${i}`, `v${i}`);
  n.run('HSET', 'src', ...args);
  return { n, pieces: piecesOf(n, 'src', 10) };
}

/** Sends every piece but the last as key on client c (the node's own client by default). */
function stage(n: UnitNode, key: string, pieces: string[], c = n.client): void {
  for (let i = 0; i < pieces.length - 1; i++) expect(n.runAs(c, 'RESTORE-PIECE', key, '0', pieces[i], String(i))).to.equal('OK');
}

describe('RESTORE-PIECE', () => {
  it('stages pieces out of sight; the last restores the whole value with its TTL', () => {
    const { n, pieces } = setup();
    const used = n.node.env.memory.used;
    stage(n, 'k', pieces);
    expect(n.run('EXISTS', 'k')).to.equal(0);
    expect(n.run('DBSIZE')).to.equal(1);
    expect(n.node.staging.size).to.equal(1);
    expect(n.node.env.memory.used - used).to.equal(n.node.staging.bytes);
    expect(n.node.staging.bytes).to.be.above(1000);
    expect(n.run('RESTORE-PIECE', 'k', '5000', pieces[9], '9', 'LAST')).to.equal('OK');
    expect(n.run('HGETALL', 'k')).to.deep.equal(n.run('HGETALL', 'src'));
    expect(n.run('PEXPIRETIME', 'k')).to.equal(n.clock.now() + 5000);
    expect(n.node.staging.size).to.equal(0);
    // used_memory: the keys' bytes only, nothing staged.
    expect(n.node.env.memory.used).to.equal(n.node.dbs[0].usedBytes);
    n.run('DEL', 'k');
    expect(n.node.env.memory.used).to.equal(used);
  });

  it('a value of one piece; ABSTTL, REPLACE and BUSYKEY as RESTORE', () => {
    const n = new UnitNode();
    n.run('SADD', 'src', 'a', 'b');
    const [whole] = piecesOf(n, 'src', 1000);
    expect(err(n.run('RESTORE-PIECE', 'src', '0', whole, '0', 'LAST'))).to.equal('BUSYKEY Target key name already exists.');
    const at = n.clock.now() + 7000;
    expect(n.run('RESTORE-PIECE', 'src', String(at), whole, '0', 'LAST', 'REPLACE', 'ABSTTL')).to.equal('OK');
    expect(n.run('PEXPIRETIME', 'src')).to.equal(at);
    expect(n.run('RESTORE-PIECE', 'past', '1', whole, '0', 'LAST', 'ABSTTL')).to.equal('OK');
    expect(n.run('EXISTS', 'past')).to.equal(0);
    expect(n.node.staging.size).to.equal(0);
  });

  it('errors drop what the connection staged: order, seq, syntax, ttl, BUSYKEY, a bad body', () => {
    const { n, pieces } = setup();
    const again = (): void => stage(n, 'k', pieces);
    again();
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[9], '3'))).to.equal('ERR RESTORE-PIECE piece out of order, the staged pieces were dropped');
    expect(n.node.staging.size).to.equal(0);
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[1], '1'))).to.match(/out of order/); // nothing staged
    again();
    expect(err(n.run('RESTORE-PIECE', 'other', '0', pieces[9], '9', 'LAST'))).to.match(/out of order/); // another key
    expect(n.node.staging.size).to.equal(0);
    again();
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[9], 'x'))).to.equal('ERR value is not an integer or out of range');
    expect(n.node.staging.size).to.equal(0);
    again();
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[9], '9', 'NOPE'))).to.equal('ERR syntax error');
    expect(n.node.staging.size).to.equal(0);
    again();
    expect(err(n.run('RESTORE-PIECE', 'k', '-5', pieces[9], '9', 'LAST'))).to.equal('ERR Invalid TTL value, must be >= 0');
    expect(n.node.staging.size).to.equal(0);
    again();
    expect(err(n.run('RESTORE-PIECE', 'src', '0', pieces[9], '9', 'LAST'))).to.match(/^BUSYKEY/);
    expect(n.node.staging.size).to.equal(0);
    again();
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[8], '9', 'LAST'))).to.equal('ERR DUMP payload version or checksum are wrong');
    expect(n.node.staging.size).to.equal(0);
    expect(err(n.run('RESTORE-PIECE', 'k', '0', '\x63junk', '0'))).to.equal('ERR Bad data format');
    expect(n.node.staging.size).to.equal(0);
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[0]))).to.equal("ERR wrong number of arguments for 'restore-piece' command");
    expect(err(n.run('RESTORE-PIECE', 'k'))).to.equal("ERR wrong number of arguments for 'restore-piece' command");
    // ORIGIN is the replication link's alone.
    expect(err(n.run('RESTORE-PIECE', 'k', '0', pieces[0], '0', 'ORIGIN', '5'))).to.equal('ERR syntax error');
    expect(n.node.env.memory.used).to.equal(n.node.dbs[0].usedBytes);
  });

  it('a new first piece replaces what was staged; DISCARD, a RESTORE of the key and a closed connection drop it', () => {
    const { n, pieces } = setup();
    const used = n.node.env.memory.used;
    stage(n, 'k', pieces);
    stage(n, 'k2', pieces); // seq 0 of another key: the first value is gone
    expect(n.node.staging.size).to.equal(1);
    expect(n.node.staging.stagedKey('' + n.client.id)).to.deep.equal({ db: 0, key: 'k2' });
    expect(n.run('RESTORE-PIECE', 'k', 'DISCARD')).to.equal('OK'); // not the staged key: nothing
    expect(n.node.staging.size).to.equal(1);
    expect(n.run('RESTORE-PIECE', 'k2', 'DISCARD')).to.equal('OK');
    expect(n.node.staging.size).to.equal(0);
    expect(err(n.run('RESTORE-PIECE', 'k2', 'DISCARD', 'LAST'))).to.equal('ERR syntax error');
    stage(n, 'k', pieces);
    n.run('SET', 'e', '');
    n.run('RESTORE', 'k', '0', piecesOf(n, 'e', 10)[0], 'REPLACE');
    expect(n.node.staging.size).to.equal(0);
    n.run('DEL', 'k', 'e');
    // Per connection: another client's pieces are its own; closing it drops them.
    const other = n.newClient();
    stage(n, 'k', pieces);
    stage(n, 'k', pieces, other);
    expect(n.node.staging.size).to.equal(2);
    other.close();
    expect(n.node.staging.size).to.equal(1);
    expect(n.run('RESTORE-PIECE', 'k', '0', pieces[9], '9', 'LAST')).to.equal('OK');
    expect(n.run('HLEN', 'k')).to.equal(100);
    n.run('DEL', 'k');
    expect(n.node.env.memory.used).to.equal(used);
  });

  it('relays each piece to replicas as staged (ORIGIN the connection), then the last with its absolute expiry', () => {
    const { n, pieces } = setup();
    const id = String(n.client.id);
    const fx = n.effects(() => {
      stage(n, 'k', pieces.slice(0, 3));
      n.run('RESTORE-PIECE', 'k', '0', pieces[5], '5'); // an error: the replicas drop theirs too
      stage(n, 'k', pieces);
      n.run('RESTORE-PIECE', 'k', '4000', pieces[9], '9', 'LAST', 'REPLACE');
    });
    const at = String(n.clock.now() + 4000);
    expect(fx.filter((a) => a[0] !== 'SELECT')).to.deep.equal([
      ['RESTORE-PIECE', 'k', '0', pieces[0], '0', 'ORIGIN', id],
      ['RESTORE-PIECE', 'k', '0', pieces[1], '1', 'ORIGIN', id],
      ['RESTORE-PIECE', 'k', 'DISCARD', 'ORIGIN', id],
      ...pieces.slice(0, 9).map((p, i) => ['RESTORE-PIECE', 'k', '0', p, String(i), 'ORIGIN', id]),
      ['RESTORE-PIECE', 'k', at, pieces[9], '9', 'LAST', 'REPLACE', 'ABSTTL', 'ORIGIN', id],
    ]);
    // A last piece whose expiry is past creates nothing: the replicas drop their pieces.
    const fx2 = n.effects(() => {
      stage(n, 'k', pieces);
      n.run('RESTORE-PIECE', 'k', '1', pieces[9], '9', 'LAST', 'REPLACE', 'ABSTTL');
    });
    expect(fx2.slice(-2)).to.deep.equal([['DEL', 'k'], ['RESTORE-PIECE', 'k', 'DISCARD', 'ORIGIN', id]]);
    // A connection closing with pieces staged: DISCARD.
    const other = n.newClient();
    const fx3 = n.effects(() => {
      stage(n, 'z', pieces.slice(0, 2), other);
      other.close();
    });
    expect(fx3.slice(-1)).to.deep.equal([['RESTORE-PIECE', 'z', 'DISCARD', 'ORIGIN', String(other.id)]]);
  });

  it('from the replication link, ORIGIN names whose pieces they are', () => {
    const { n, pieces } = setup();
    const master = n.newClient();
    (master as { master: boolean }).master = true;
    const run = (...argv: string[]) => {
      n.node.execute(master, argv);
      return master.out.take();
    };
    for (let i = 0; i < 9; i++) run('RESTORE-PIECE', 'k', '0', pieces[i], String(i), 'ORIGIN', '7');
    for (let i = 0; i < 3; i++) run('RESTORE-PIECE', 'j', '0', pieces[i], String(i), 'ORIGIN', '8');
    expect(n.node.staging.size).to.equal(2);
    expect(n.node.staging.stagedKey('o7')).to.deep.equal({ db: 0, key: 'k' });
    run('RESTORE-PIECE', 'j', 'DISCARD', 'ORIGIN', '8');
    expect(n.node.staging.size).to.equal(1);
    run('RESTORE-PIECE', 'k', '0', pieces[9], '9', 'LAST', 'REPLACE', 'ABSTTL', 'ORIGIN', '7');
    expect(n.run('HLEN', 'k')).to.equal(100);
    expect(n.node.staging.size).to.equal(0);
  });
});
