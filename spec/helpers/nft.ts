// nftables plumbing for partition specs (spec/helpers/partition.ts): run `nft` scripts with a time bound,
// give node processes uids of their own, and mark every connection a node opens with its uid (conntrack
// mark), so that rules can later drop the traffic between chosen processes, in both directions, on
// loopback. Root only; nothing here runs unless a spec asks for isolatable nodes.
//
// Why marks and not ports alone: all processes share 127.0.0.1 and a connection's source port is
// ephemeral; the uid of the socket that opened it (meta skuid, seen on the output hook) says who opened
// it, and `ct mark` carries that to every later packet of the connection, the replies too (which are
// sent by the peer's socket). The mark is set when the connection is new, so the marking rule for a uid
// must exist before that node opens anything: ensureMarked() runs before the node is spawned.
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';

/** How long one nft invocation may take (ms) before it is killed and the call rejects. */
export const NFT_TIMEOUT_MS = 5000;

const tables = new Set<string>();
let exitHooked = false;

/** Deletes every table this process created (sync: runs in the 'exit' hook). */
function deleteAllTables(): void {
  for (const t of tables) {
    try {
      execFileSync('nft', ['delete', 'table', 'inet', t], { stdio: 'ignore', timeout: NFT_TIMEOUT_MS });
    } catch {
      // already gone
    }
  }
  tables.clear();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // mocha --exit calls process.exit: the 'exit' hook runs. A signal would skip it, so turn those into
  // an exit too (the cluster helper's own 'exit' hook then kills the nodes as usual).
  process.on('exit', deleteAllTables);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      deleteAllTables();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Runs `nft -f -` with `script` on stdin; rejects with nft's message or after NFT_TIMEOUT_MS. */
export function nft(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('nft', ['-f', '-'], { timeout: NFT_TIMEOUT_MS }, (err, _out, stderr) => {
      if (err) reject(new Error(`nft failed (${err.message.split('\n')[0]}): ${stderr}\nscript:\n${script}`));
      else resolve();
    });
    child.stdin?.end(script);
  });
}

/** Creates table `inet name` and remembers it, so that it is deleted when the process exits. */
export async function createTable(name: string, body: string): Promise<void> {
  hookExit();
  tables.add(name);
  await nft(`table inet ${name} {\n${body}\n}\n`);
}

/** Deletes table `inet name` (no error when it is gone). */
export async function deleteTable(name: string): Promise<void> {
  tables.delete(name);
  await nft(`table inet ${name} {}\ndelete table inet ${name}\n`);
}

/**
 * Why partition specs cannot run here, or null when they can: they need root (nft, spawning under other
 * uids) and the nft binary with a working conntrack.
 */
export function partitionUnsupported(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root (nftables rules and per-node uids need root; CI runs as root)';
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore', timeout: NFT_TIMEOUT_MS });
  } catch {
    return 'the nft binary (package nftables) is missing';
  }
  return null;
}

// The marking table: one per mocha process, created on first use.
const MARK_TABLE = `shardcache_mark_${process.pid}`;
let markTable: Promise<void> | null = null;
const marked = new Set<number>();
let nextUid = 0;

/**
 * A uid for one more node process, unused by this process so far. Chosen in a range of its own per
 * process id, so that specs running in parallel on one machine (other worktrees) do not share marks.
 */
export function allocateUid(): number {
  if (nextUid >= 1000) throw new Error('more than 1000 isolatable nodes in one process');
  return 1_000_000 + (process.pid % 100_000) * 1000 + nextUid++;
}

/** Makes every connection a process of `uid` opens carry ct mark `uid`. Resolves once the rule is in. */
export async function ensureMarked(uid: number): Promise<void> {
  if (markTable === null) markTable = createTable(MARK_TABLE, '  chain marker {\n    type filter hook output priority -150; policy accept;\n  }');
  await markTable;
  if (marked.has(uid)) return;
  await nft(`add rule inet ${MARK_TABLE} marker meta skuid ${uid} ct state new ct mark set ${uid}\n`);
  marked.add(uid);
}

/** Gives `dir` (recursively) to uid:uid, so that a node running as uid can write its files there. */
export function chownTree(dir: string, uid: number): void {
  fs.chownSync(dir, uid, uid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) chownTree(p, uid);
    else fs.lchownSync(p, uid, uid);
  }
}
