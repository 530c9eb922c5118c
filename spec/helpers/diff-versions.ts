// Differential specs whose reference may be Redis 7.0 (CI's redis-server 7.0.15) or 7.2 (which shardcache
// follows; REDIS_SERVER=/path/to/7.2/redis-server): what the two print differently is compared by value
// against 7.0 and byte for byte against 7.2, and steps only 7.2 answers are left out for 7.0.
// 7.0 prints scores with "%.17g" (0.10000000000000001 where 7.2 prints 0.1) and keeps -0 in a listpack.
import { bulk, chain, type DiffPair, type Normalizer, type Resp, type Step } from './differential';

/** The reference is older than 7.2 (set by detectReference in a spec's before()). */
export const reference = { legacy: false };

/** Asks the running reference its version. */
export async function detectReference(pair: DiffPair): Promise<void> {
  const [major, minor] = await pair.redisVersion();
  reference.legacy = major < 7 || (major === 7 && minor < 2);
}

const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$|^-?inf$/i;

/** A number's text rewritten as the shortest form of the same double ("-0" as "0"). */
function canonText(s: string): string {
  const v = /^-?inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : Number(s);
  return Number.isNaN(v) ? s : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
}

function canon(r: Resp): Resp {
  if (r.t === ',') return { t: ',', s: canonText(r.s) };
  if (r.t === '$' && r.b !== null) {
    const s = r.b.toString('latin1');
    return NUM_RE.test(s) ? bulk(canonText(s)) : r;
  }
  if ('a' in r && r.a !== null) return { t: r.t, a: r.a.map(canon) } as Resp;
  return r;
}

/** With a 7.0 reference every number in a reply is compared by value; exact otherwise. */
export const byVersion: Normalizer = (a, b) => (reference.legacy ? [canon(a), canon(b)] : [a, b]);

/** A step only Redis 7.2 answers (left out against 7.0). */
export const v72 = (step: Step): { only72: Step } => ({ only72: step });

/** Every step through byVersion (after its own normalizer); 7.2-only steps dropped for a 7.0 reference. */
export function forReference(steps: (Step | { only72: Step })[]): Step[] {
  const out: Step[] = [];
  for (const s of steps) {
    if ('only72' in s) {
      if (!reference.legacy) out.push(...forReference([s.only72]));
      continue;
    }
    if ('sleepMs' in s) {
      out.push(s);
      continue;
    }
    if ('scanAll' in s) {
      out.push({ ...s, norm: s.norm ? chain(byVersion, s.norm) : byVersion });
      continue;
    }
    const cmd = Array.isArray(s) ? s : s.cmd;
    const norm = Array.isArray(s) ? undefined : s.norm;
    out.push({ cmd, norm: norm ? chain(byVersion, norm) : byVersion });
  }
  return out;
}
