// The shipped config file and docs/configuration.md document every directive of the schema with its default.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Config } from '../../lib/config/config';
import { applyConfigText } from '../../lib/config/load';
import { DIRECTIVES } from '../../lib/config/schema';
import { splitArgs } from '../../lib/protocol/parser';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONF = path.join(ROOT, 'conf', 'shardcache.conf');

/** Lines of `text` as directive words, whether commented out (`# name value`) or not. */
function directiveLines(text: string): string[][] {
  const out: string[][] = [];
  for (const raw of text.split('\n')) {
    const m = /^#?\s*([a-z][a-z-]*)(\s.*)?$/.exec(raw.trim());
    if (!m) continue;
    const words = splitArgs(raw.trim().replace(/^#\s*/, ''));
    if (words && words.length > 0) out.push(words);
  }
  return out;
}

/** The default as lines of words: one line, or one per output class for client-output-buffer-limit. */
function defaultLines(name: string, def: string): string[][] {
  const words = def === '' ? [''] : def.split(' ');
  if (name !== 'client-output-buffer-limit') return [[name, ...words]];
  const lines: string[][] = [];
  for (let i = 0; i < words.length; i += 4) lines.push([name, ...words.slice(i, i + 4)]);
  return lines;
}

describe('configuration docs', () => {
  it('conf/shardcache.conf shows every directive with its default (commented or not)', () => {
    const lines = directiveLines(fs.readFileSync(CONF, 'latin1')).map((w) => JSON.stringify(w));
    for (const d of DIRECTIVES) {
      for (const want of defaultLines(d.name, d.default)) expect(lines, d.name).to.include(JSON.stringify(want));
    }
  });

  it('conf/shardcache.conf loads, and `npm start` gets 127.0.0.1:6379', () => {
    const c = new Config();
    applyConfigText(c, fs.readFileSync(CONF, 'latin1'), CONF);
    expect(c.str('bind')).to.equal('127.0.0.1');
    expect(c.num('port')).to.equal(6379);
    for (const d of DIRECTIVES) expect(c.format(d.name), d.name).to.equal(new Config().format(d.name));
  });

  it('the configuration table of docs/configuration.md lists every directive with its default', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const begin = doc.indexOf('<!-- config:begin -->');
    const end = doc.indexOf('<!-- config:end -->');
    expect(begin, 'config markers').to.be.greaterThan(-1);
    expect(end).to.be.greaterThan(begin);
    const section = doc.slice(begin, end);
    const rows = new Map<string, string>();
    for (const m of section.matchAll(/^\| `([a-z-]+)` \| `([^`]*)` \|/gm)) rows.set(m[1], m[2]);
    for (const d of DIRECTIVES) {
      expect(rows.has(d.name), `${d.name} missing from the docs/configuration.md table`).to.equal(true);
      expect(rows.get(d.name), d.name).to.equal(d.default === '' ? '""' : d.default);
    }
    expect([...rows.keys()].sort()).to.deep.equal(DIRECTIVES.map((d) => d.name).sort());
  });
});
