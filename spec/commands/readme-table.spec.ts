import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { allSpecs } from '../../lib/commands/registry';
import { commandTable } from '../helpers/command-table';

// The generated command table lives in docs/commands.md (the README links to it and sums it up by family).
const COMMANDS_DOC = path.resolve(__dirname, '..', '..', '..', 'docs', 'commands.md');

function section(): string {
  const text = fs.readFileSync(COMMANDS_DOC, 'utf8');
  const m = /<!-- commands:begin -->\n([\s\S]*?)<!-- commands:end -->/.exec(text);
  if (!m) throw new Error('docs/commands.md has no commands section');
  // The generated tables start at the first family heading; the text before them is prose.
  return m[1].slice(m[1].indexOf('### '));
}

describe('command table (docs/commands.md)', () => {
  it('lists exactly the declared commands and subcommands (regenerate: node dist/spec/helpers/command-table.js)', () => {
    expect(section().trim()).to.equal(commandTable().trim());
  });

  it('names every declared command at least once', () => {
    const text = section();
    for (const spec of allSpecs) expect(text, spec.name).to.include(`| ${spec.name.toUpperCase()}`);
  });
});
