// Geo commands through the real dispatcher: the scores GEOADD stores (the numbers Redis 7.2 stores,
// taken from a real redis-server), replies and errors, RESP3 coordinates, STORE results and their
// effects, the keys COMMAND GETKEYS finds. (spec/integration/diff-geo.spec.ts compares everything with a
// real redis-server byte for byte.)
import { expect } from 'chai';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

describe('geo commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
    n.run('GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
  });

  it('GEOADD stores the geohash Redis stores; GEODIST, GEOHASH, GEOPOS read it back as Redis prints them', () => {
    // Figures from redis-server 7.2.6.
    expect(n.run('ZSCORE', 'g', 'Palermo')).to.equal('3479099956230698');
    expect(n.run('ZSCORE', 'g', 'Catania')).to.equal('3479447370796909');
    expect(n.run('GEODIST', 'g', 'Palermo', 'Catania', 'km')).to.equal('166.2742');
    expect(n.run('GEOHASH', 'g', 'Palermo', 'Catania', 'nope')).to.deep.equal(['sqc8b49rny0', 'sqdtr74hyu0', null]);
    expect(n.run('GEOPOS', 'g', 'Palermo', 'nope')).to.deep.equal([['13.36138933897018433', '38.11555639549629859'], null]);
    n.raw(['HELLO', '3']);
    expect(n.raw(['GEOPOS', 'g', 'Palermo', 'nope'])).to.equal('*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n');
    expect(n.raw(['GEODIST', 'g', 'Palermo', 'Catania'])).to.equal('$11\r\n166274.1516\r\n');
  });

  it('GEOADD options and errors: NX/XX/CH, triples, the invalid pair printed with %f', () => {
    expect(n.run('GEOADD', 'g', 'CH', '13.3614', '38.1156', 'Palermo', '1', '1', 'x')).to.equal(2);
    expect(n.run('GEOADD', 'g', 'NX', '0', '0', 'Palermo')).to.equal(0);
    expect(errorOf(n.run('GEOADD', 'g', 'NX', 'XX', '1', '1', 'a'))).to.equal('ERR syntax error');
    expect(errorOf(n.run('GEOADD', 'g', '1', '1', 'a', '2'))).to.equal('ERR syntax error');
    expect(errorOf(n.run('GEOADD', 'g', 'x', '1', 'a'))).to.equal('ERR value is not a valid float');
    expect(errorOf(n.run('GEOADD', 'g', '200', '100', 'a'))).to.equal('ERR invalid longitude,latitude pair 200.000000,100.000000');
    expect(errorOf(n.run('GEOADD', 'g', '180.0078125', '1', 'a'))).to.equal('ERR invalid longitude,latitude pair 180.007812,1.000000');
    n.run('SET', 's', 'v');
    expect(errorOf(n.run('GEOADD', 's', '1', '1', 'a'))).to.equal('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('searches: radius and box, sorting, COUNT, WITH options; errors in Redis order', () => {
    expect(n.run('GEORADIUS', 'g', '15', '37', '200', 'km', 'WITHDIST', 'ASC')).to.deep.equal([
      ['Catania', '56.4413'],
      ['Palermo', '190.4424'],
    ]);
    expect(n.run('GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400', 'km', 'DESC', 'COUNT', '1', 'WITHHASH')).to.deep.equal([['Catania', 3479447370796909]]);
    expect(n.run('GEORADIUSBYMEMBER', 'g', 'Palermo', '10', 'km')).to.deep.equal(['Palermo']);
    expect(errorOf(n.run('GEORADIUS', 'g', '15', '37', '-1', 'km'))).to.equal('ERR radius cannot be negative');
    expect(errorOf(n.run('GEORADIUS', 'g', '15', '37', '1', 'yd'))).to.equal('ERR unsupported unit provided. please use M, KM, FT, MI');
    expect(errorOf(n.run('GEORADIUS', 'g', '15', '37', '1', 'km', 'ANY'))).to.equal('ERR the ANY argument requires COUNT argument');
    expect(errorOf(n.run('GEORADIUS', 'g', '15', '37', '1', 'km', 'COUNT', '0'))).to.equal('ERR COUNT must be > 0');
    expect(errorOf(n.run('GEORADIUS_RO', 'g', '15', '37', '1', 'km', 'STORE', 'x'))).to.equal('ERR syntax error');
    expect(errorOf(n.run('GEORADIUS', 'g', '15', '37', '1', 'km', 'STORE', 'x', 'WITHDIST'))).to.equal('ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options');
    expect(errorOf(n.run('geoSearch', 'g', 'BYRADIUS', '1', 'km', 'ASC', 'WITHDIST'))).to.equal('ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geoSearch');
    expect(errorOf(n.run('GEOSEARCH', 'g', 'FROMLONLAT', '1', '1', 'ASC', 'WITHDIST'))).to.equal('ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH');
    expect(errorOf(n.run('GEOSEARCH', 'g', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'))).to.equal('ERR could not decode requested zset member');
    expect(n.run('GEOSEARCH', 'nokey', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km')).to.deep.equal([]);
  });

  it('STORE / STOREDIST / GEOSEARCHSTORE write a sorted set (recorded as its state); an empty result deletes', () => {
    n.effects(() => n.run('SET', 'warm', 'up'));
    const eff = n.effects(() => expect(n.run('GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST')).to.equal(2));
    expect(eff.map((c) => c[0])).to.deep.equal(['RESTORE']);
    expect(n.run('ZRANGE', 'dst', '0', '-1')).to.deep.equal(['Catania', 'Palermo']);
    expect(Number((n.run('ZSCORE', 'dst', 'Catania') as string))).to.be.closeTo(56.4413, 0.0001);
    expect(n.run('GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'dst2')).to.equal(2);
    expect(n.run('ZSCORE', 'dst2', 'Palermo')).to.equal('3479099956230698');
    expect(n.effects(() => expect(n.run('GEORADIUS', 'g', '15', '37', '1', 'm', 'STORE', 'dst2')).to.equal(0))).to.deep.equal([['DEL', 'dst2']]);
    expect(n.effects(() => n.run('GEOADD', 'g', '1', '2', 'new'))).to.deep.equal([['ZADD', 'g', String(n.run('ZSCORE', 'g', 'new')), 'new']]);
  });

  it('COMMAND GETKEYS: GEORADIUS finds its STORE key; GEOSEARCHSTORE its two', () => {
    expect(n.run('COMMAND', 'GETKEYS', 'GEORADIUS', 'g', '1', '2', '3', 'km', 'STORE', 'd')).to.deep.equal(['g', 'd']);
    expect(n.run('COMMAND', 'GETKEYS', 'GEORADIUS', 'g', '1', '2', '3', 'km')).to.deep.equal(['g']);
    expect(n.run('COMMAND', 'GETKEYS', 'GEORADIUSBYMEMBER', 'g', 'm', '3', 'km', 'STOREDIST', 'd')).to.deep.equal(['g', 'd']);
    expect(n.run('COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km')).to.deep.equal(['d', 'g']);
  });
});
