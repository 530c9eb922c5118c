// <CONTAINER> HELP replies, as Redis's addReplyHelp: a first line naming the container, the given lines,
// and a closing HELP entry, each as a status reply.
import type { Session as Client } from './types';

/** Writes the help of `container` ('CONFIG'); `lines` alternate usage and indented description. */
export function replyHelp(c: Client, container: string, lines: readonly string[]): void {
  const out = c.out;
  out.array(lines.length + 3);
  out.simple(`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) out.simple(l);
  out.simple('HELP');
  out.simple('    Prints this help.');
}
