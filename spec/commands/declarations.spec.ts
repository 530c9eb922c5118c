// Every command any family declares (allSpecs, so commands added later are covered without touching this
// file) is checked against spec/fixtures/redis7-commands.json, which COMMAND on a real redis-server 7.0.15
// produced (regenerate: `node spec/fixtures/gen-redis7-commands.js`): it must have a handler (or
// subcommands that have one), and where Redis has the command, the same arity, key positions and flags as
// COMMAND INFO shows them.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { allSpecs } from '../../lib/commands/registry';
import { infoFlags } from '../../lib/commands/server-command';
import type { CommandSpec } from '../../lib/commands/types';

interface FixtureEntry {
  arity: number;
  flags: string[];
  first: number;
  last: number;
  step: number;
  acl: string[];
}

const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'spec', 'fixtures', 'redis7-commands.json');
const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { redis_version: string; commands: Record<string, FixtureEntry> };

/** Flags Redis shows that the declarations do not model (CommandFlag has no such member). */
const NOT_MODELLED = new Set(['no_async_loading', 'module']);

/**
 * Where Redis 7.2 (which we follow) declares a command differently from the 7.0 fixture: full name ->
 * the 7.2 values.
 */
const REDIS_72_CHANGES: Record<string, Partial<FixtureEntry>> = {
  // ZRANK / ZREVRANK key member [WITHSCORE] (7.2).
  zrank: { arity: -3 },
  zrevrank: { arity: -3 },
};

/** Every declaration with its Redis full name ('get', 'config|get'). */
function flatten(specs: readonly CommandSpec[], parent = ''): Array<{ fullName: string; spec: CommandSpec }> {
  const out: Array<{ fullName: string; spec: CommandSpec }> = [];
  for (const spec of specs) {
    const fullName = parent ? `${parent}|${spec.name}` : spec.name;
    out.push({ fullName, spec });
    if (spec.subcommands) out.push(...flatten(spec.subcommands, fullName));
  }
  return out;
}

describe(`command declarations against redis ${fixture.redis_version}`, () => {
  const all = flatten(allSpecs);

  it('declares at least the server family (the fixture and registry are read)', () => {
    expect(all.map((d) => d.fullName)).to.include.members(['info', 'config|get', 'command|docs']);
    expect(Object.keys(fixture.commands).length).to.be.greaterThan(200);
  });

  for (const { fullName, spec } of all) {
    it(`${fullName}: has a handler, or subcommands with handlers`, () => {
      if (spec.subcommands && spec.subcommands.length > 0) {
        for (const sub of spec.subcommands) expect(sub.handler, `${fullName}|${sub.name}`).to.be.a('function');
      } else {
        expect(spec.handler).to.be.a('function');
      }
      expect(spec.name).to.equal(spec.name.toLowerCase());
    });

    const redis = fixture.commands[fullName];
    if (!redis) {
      // Mocha lists a test without a body as pending: the note shows in the run's output.
      it(`${fullName}: not in redis ${fixture.redis_version} (a 7.2 command or our own), not compared`);
      continue;
    }
    const want = { ...redis, ...REDIS_72_CHANGES[fullName] };
    it(`${fullName}: arity, key positions and flags match COMMAND INFO`, () => {
      expect(spec.arity, 'arity').to.equal(want.arity);
      expect([spec.keys.first, spec.keys.last, spec.keys.step], 'first, last, step').to.deep.equal([want.first, want.last, want.step]);
      expect(infoFlags(spec), 'flags').to.deep.equal(want.flags.filter((f) => !NOT_MODELLED.has(f)));
    });
  }
});
