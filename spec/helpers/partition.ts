// Network partitions between real processes on loopback, by a real packet filter (nftables). The cluster
// must be started with `isolatable: true` (spec/helpers/cluster.ts): each node then runs under a uid of
// its own and every connection it opens carries that uid as its conntrack mark (spec/helpers/nft.ts).
//
//   const net = await Partition.create(cluster);
//   await net.cutFromEtcd(2);        // node 2 <-> etcd
//   await net.cut(0, 3);             // node 0 <-> node 3
//   await net.isolate([0, 1, 2]);    // those three <-> every other node and etcd (not among themselves)
//   await net.heal();                // every rule gone, established connections flow again
//   await net.close();               // the table deleted (also on process exit)
//
// A cut from A to B drops, on the output hook (loopback traffic passes it once per packet), every packet of
// a connection A opened to B's listening port, both directions (`ct mark A tcp dport B` and `... sport B`),
// and the same for the connections B opened to A. Nodes listen only on their client port (peers and
// replicas use it too); etcd is reached on its client port (a single member: its peer port carries nothing).
// Established connections are cut too: their packets are dropped, not reset, as a real partition does.
// The test process (uid 0: load clients, the helpers' etcd client and CLUSTER commands) is never cut.
//
// Bounded: every nft call is killed after NFT_TIMEOUT_MS, and every cut heals by itself after
// `maxCutMs` (default 60 s) if the spec does not heal it (a failed test must not leave nodes cut).
import type { TestCluster } from './cluster';
import { createTable, deleteTable, nft, partitionUnsupported } from './nft';

export { partitionUnsupported };

export interface PartitionOptions {
  /** Every cut heals itself this long after the last rule change at most (ms); default 60000. */
  maxCutMs?: number;
}

export class Partition {
  /** The rules in force, one `ct mark ... drop` line each, deduplicated. */
  private readonly rules = new Set<string>();
  private autoHeal: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly cluster: TestCluster,
    readonly table: string,
    private readonly maxCutMs: number,
  ) {}

  /** Creates this partition's (empty) table. Rejects when the cluster is not isolatable. */
  static async create(cluster: TestCluster, opts: PartitionOptions = {}): Promise<Partition> {
    if (cluster.nodes.some((n) => n.uid === undefined)) throw new Error('Partition needs a cluster started with isolatable: true');
    const table = `shardcache_test_${Math.random().toString(36).slice(2, 10)}`;
    await createTable(table, '  chain cut {\n    type filter hook output priority 0; policy accept;\n  }');
    return new Partition(cluster, table, opts.maxCutMs ?? 60000);
  }

  /** The etcd client port. */
  get etcdPort(): number {
    return Number(new URL(this.cluster.etcd.endpoint).port);
  }

  private node(i: number): { uid: number; port: number } {
    const n = this.cluster.nodes[i];
    if (n === undefined || n.uid === undefined) throw new Error(`no isolatable node ${i}`);
    return { uid: n.uid, port: n.port };
  }

  /** Rules dropping the connections a process of `uid` opens to `port`, both directions. */
  private static from(uid: number, port: number): string[] {
    return [`ct mark ${uid} tcp dport ${port} drop`, `ct mark ${uid} tcp sport ${port} drop`];
  }

  private async add(rules: string[]): Promise<void> {
    if (this.closed) throw new Error('partition closed');
    const fresh = [...new Set(rules)].filter((r) => !this.rules.has(r));
    if (fresh.length > 0) {
      // One nft transaction: all of a cut applies at once.
      await nft(fresh.map((r) => `add rule inet ${this.table} cut ${r}\n`).join(''));
      for (const r of fresh) this.rules.add(r);
    }
    if (this.autoHeal) clearTimeout(this.autoHeal);
    this.autoHeal = setTimeout(() => void this.heal().catch(() => undefined), this.maxCutMs);
    this.autoHeal.unref();
  }

  /** Cuts node a from node b (both directions, both sides' connections). */
  cut(a: number, b: number): Promise<void> {
    const A = this.node(a);
    const B = this.node(b);
    return this.add([...Partition.from(A.uid, B.port), ...Partition.from(B.uid, A.port)]);
  }

  /** Cuts each of the given nodes from etcd. */
  cutFromEtcd(...idx: number[]): Promise<void> {
    const port = this.etcdPort;
    return this.add(idx.flatMap((i) => Partition.from(this.node(i).uid, port)));
  }

  /**
   * Cuts the given nodes from every other node ever started (alive or not: a restarted node keeps its
   * uid and port) and, unless `etcd: false`, from etcd. They still reach each other.
   */
  isolate(idx: number[], opts: { etcd?: boolean } = {}): Promise<void> {
    const inside = new Set(idx);
    const rules: string[] = [];
    for (const i of idx) {
      const A = this.node(i);
      for (let j = 0; j < this.cluster.nodes.length; j++) {
        if (inside.has(j)) continue;
        const B = this.node(j);
        rules.push(...Partition.from(A.uid, B.port), ...Partition.from(B.uid, A.port));
      }
      if (opts.etcd !== false) rules.push(...Partition.from(A.uid, this.etcdPort));
    }
    return this.add(rules);
  }

  /** The number of drop rules in force. */
  get size(): number {
    return this.rules.size;
  }

  /** Removes every cut (the table stays, empty). */
  async heal(): Promise<void> {
    if (this.autoHeal) clearTimeout(this.autoHeal);
    this.autoHeal = null;
    if (this.closed || this.rules.size === 0) return;
    await nft(`flush chain inet ${this.table} cut\n`);
    this.rules.clear();
  }

  /** Deletes the table (healing everything). Idempotent. */
  async close(): Promise<void> {
    if (this.autoHeal) clearTimeout(this.autoHeal);
    this.autoHeal = null;
    if (this.closed) return;
    this.closed = true;
    this.rules.clear();
    await deleteTable(this.table);
  }
}
