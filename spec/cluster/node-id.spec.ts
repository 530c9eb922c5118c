// The node id file: created once, read back unchanged, refused when corrupt.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadOrCreateNodeId } from '../../lib/cluster/node-id';

describe('cluster/node-id', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shardcache-id-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a 40-hex id on first use and returns the same one afterwards', () => {
    const file = path.join(dir, 'nodes.conf');
    const id = loadOrCreateNodeId(file);
    expect(id).to.match(/^[0-9a-f]{40}$/);
    expect(fs.readFileSync(file, 'latin1')).to.equal(`${id}\n`);
    expect(loadOrCreateNodeId(file)).to.equal(id);
    expect(fs.readdirSync(dir)).to.deep.equal(['nodes.conf']);
  });

  it('two files give two different ids', () => {
    expect(loadOrCreateNodeId(path.join(dir, 'a'))).to.not.equal(loadOrCreateNodeId(path.join(dir, 'b')));
  });

  it('refuses a file that does not start with an id', () => {
    const file = path.join(dir, 'nodes.conf');
    fs.writeFileSync(file, 'not an id\n');
    expect(() => loadOrCreateNodeId(file)).to.throw(/holds no node id/);
  });
});
