// The command table of docs/commands.md, generated from the declarations (lib/commands/*). The spec
// spec/commands/readme-table.spec.ts checks docs/commands.md holds exactly this; to refresh it after
// adding a command, run `node dist/spec/helpers/command-table.js` and paste its output between the
// <!-- commands:begin --> and <!-- commands:end --> markers there.
import { families } from '../../lib/commands/registry';
import type { CommandSpec } from '../../lib/commands/types';

function row(name: string, spec: CommandSpec): string {
  const arity = spec.arity < 0 ? `>= ${-spec.arity}` : String(spec.arity);
  return `| ${name} | ${arity} | ${spec.flags.join(', ')} | ${spec.summary.replace(/\|/g, '\\|')} |`;
}

/** Markdown: one table per family, one row per command and subcommand, in declaration order. */
export function commandTable(): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`### ${f.name}`, '', '| Command | Arity | Flags | Summary |', '| --- | --- | --- | --- |');
    for (const spec of f.commands) {
      if (spec.subcommands) {
        for (const sub of spec.subcommands) out.push(row(`${spec.name.toUpperCase()} ${sub.name.toUpperCase()}`, sub));
      } else {
        out.push(row(spec.name.toUpperCase(), spec));
      }
    }
    out.push('');
  }
  return out.join('\n');
}

if (require.main === module) process.stdout.write(commandTable());
