// Integration specs for commands other branches are still adding: `needs(['incr', 'client|info'])` is
// `describe` once every named command (or `container|sub` subcommand) is declared in the registry, and
// `describe.skip` until then, so those specs enable themselves after the merge.
import { allSpecs } from '../../lib/commands/registry';

/** True when every name ('get', or 'config|get' for a subcommand) is declared. */
export function hasCommands(names: readonly string[]): boolean {
  return names.every((full) => {
    const [name, sub] = full.toLowerCase().split('|');
    const spec = allSpecs.find((s) => s.name === name);
    if (spec === undefined) return false;
    return sub === undefined || (spec.subcommands ?? []).some((s) => s.name === sub);
  });
}

/** `describe` when the commands exist, `describe.skip` otherwise. */
export const needs = (names: readonly string[]): Mocha.SuiteFunction | Mocha.PendingSuiteFunction =>
  hasCommands(names) ? describe : describe.skip;
