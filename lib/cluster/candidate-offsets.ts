// Which in-sync replica should replace a dead primary: the one that applied the most of its stream. The
// coordinator asks each candidate for its replication offset before it plans.
import { sleep } from './etcd-session';
import { Peer } from './peer';
import type { Registration } from './planner';
import type { Topology } from './topology';

/** How long a candidate has to answer INFO replication, ms. */
const ASK_TIMEOUT_MS = 300;

/**
 * For every shard of `t` whose primary is gone (not in `live`, or leaving) and that has two or more live
 * in-sync replicas, or (cluster-lost-slots keep) whose primary is in `gone` (proven dead) with no live
 * in-sync replica and two or more live replicas: each of those replicas' replication offset (master_repl_offset of INFO replication,
 * ASK_TIMEOUT_MS at most each, authenticating with `password` when not ''), by node id. A replica that does
 * not answer in time is absent (counts 0 for the planner). Never rejects.
 */
export async function candidateOffsets(t: Topology, live: ReadonlyMap<string, Registration>, password: string, gone?: ReadonlySet<string>): Promise<Map<string, number>> {
  const ask: string[] = [];
  for (const s of Object.values(t.shards)) {
    if (live.has(s.primary) && live.get(s.primary)!.state === 'up') continue;
    let candidates = s.inSync.filter((id) => live.has(id));
    if (candidates.length === 0 && gone?.has(s.primary) === true) candidates = s.replicas.filter((id) => live.has(id));
    if (candidates.length >= 2) ask.push(...candidates);
  }
  const offsets = new Map<string, number>();
  await Promise.all(
    ask.map(async (id) => {
      const a = t.nodes[id].addr;
      const peer = new Peer(a.ip, a.port, password);
      try {
        const reply = await Promise.race([peer.send(['INFO', 'replication']), sleep(ASK_TIMEOUT_MS).then(() => null)]);
        // master_repl_offset: the stream this replica applied (ROLE says -1 once its link is down).
        const m = typeof reply === 'string' ? /^master_repl_offset:(\d+)/m.exec(reply) : null;
        if (m !== null) offsets.set(id, Number(m[1]));
      } catch {
        // unreachable: counts 0
      } finally {
        peer.close();
      }
    }),
  );
  return offsets;
}
