// Minority fencing (issue 10, item 2): may a node whose etcd lease is about to run out keep serving?
// Only when the cluster as a whole lost etcd. A node cut off alone (or with a minority) must stop before
// the others can take its slots; a node that sees etcd gone together with most of the cluster keeps
// serving, since then no one can take anything (the coordinator needs etcd to plan).
//
// The evidence: while this node's lease is troubled (membership.ts leaseTroubled), it asks every other
// node of the topology, every POLL_MS, how long ago its own lease was last renewed (INFO cluster,
// cluster_etcd_lease_age_ms; a duration, so no clocks are compared). A node whose renewal is overdue
// (older than one keepalive period, renewMs, plus SLACK_MS) votes that etcd is down. A node that renewed
// more than renewMs + SLACK_MS after this node last did VETOES: etcd is reachable for it, and it may be or
// may elect a coordinator that plans without this node. (Nodes that lost etcd together renewed last
// within one keepalive period of each other, so they never veto each other.) An outage is agreed when the
// down votes, this node's included, are a strict majority of the topology's nodes and nobody vetoed; the
// agreement holds AGREEMENT_MS from the moment that round started, and is renewed by every round that
// agrees again. Nodes that do not answer (frozen, cut off), answer for another node id, do not know (-1:
// starting, stopping) or renewed recently without vetoing count against it, so a minority can never agree
// by itself. What it cannot see: a node that reaches etcd but none of the agreeing nodes (a split into
// three); then a promoted in-sync replica stops acknowledging the old primary (sync mode), but a shard
// without one can lose writes under cluster-lost-slots reassign or CLUSTER FORGET.
//
// Why AGREEMENT_MS is short enough: once etcd is back for the majority, they renew within a keepalive
// period or re-register within a retry and veto from then on; this node's agreement ends at most
// AGREEMENT_MS + POLL_MS after their vetoes begin, while the coordinator gives every node a whole node
// timeout after etcd came back before it treats one without registration as dead (coordinator.ts
// reconcile).
import type { Clock } from '../util/clock';
import type { ClusterLog } from './host';
import { Peer } from './peer';

/** Pause between two polling rounds, ms. */
export const POLL_MS = 150;
/** A node has this long to answer one round, ms. */
export const ASK_TIMEOUT_MS = 300;
/** An agreed outage holds this long after the round that found it started, ms. */
export const AGREEMENT_MS = 600;
/** Tolerance on a keepalive period when judging renewal ages (scheduling, round trips), ms. */
export const SLACK_MS = 200;

export interface QuorumMember {
  readonly id: string;
  readonly ip: string;
  readonly port: number;
}

export interface OutageQuorumHost {
  readonly myId: string;
  readonly clock: Clock;
  readonly log: ClusterLog;
  /** Every node of the topology (this one may be among them: it is not asked). */
  members(): readonly QuorumMember[];
  /** True while this node's own lease is troubled: polling goes on while it is. */
  troubled(): boolean;
  /** False once the agent stopped. */
  running(): boolean;
  /** ms since this node's lease was last renewed (membership.ts leaseAgeMs). */
  leaseAgeMs(): number;
  /** The keepalive period of a lease, ms (TTL / 3, as etcd3 renews). */
  readonly renewMs: number;
  /**
   * Asks one node how long ago its lease was last renewed, ms: -1 when it does not know, null for no
   * answer within ASK_TIMEOUT_MS. Default: INFO cluster over a Peer.
   */
  ask?(m: QuorumMember): Promise<number | null>;
}

export class OutageQuorum {
  /** The agreement holds until this (ms, node clock). */
  private agreedUntil = -Infinity;
  private polling = false;
  private wasAgreed = false;
  private peers = new Map<string, Peer>();

  constructor(
    private readonly host: OutageQuorumHost,
    private readonly password: () => string = () => '',
  ) {}

  /** True while a strict majority of the topology's nodes agreed, recently enough, that etcd is down. */
  agreed(): boolean {
    return this.host.clock.now() < this.agreedUntil;
  }

  /** This node's lease is troubled: starts polling (no-op while a poll loop runs). */
  wake(): void {
    if (this.polling || !this.host.running()) return;
    this.polling = true;
    void this.loop();
  }

  /** One round now (specs); resolves with whether it agreed. */
  async round(): Promise<boolean> {
    const { host } = this;
    const started = host.clock.now();
    const members = host.members();
    const others = members.filter((m) => m.id !== host.myId);
    const total = others.length + 1;
    const answers = await Promise.all(others.map((m) => this.askOne(m)));
    const overdue = host.renewMs + SLACK_MS;
    const myAge = host.leaseAgeMs();
    let down = 1;
    let veto = false;
    for (const age of answers) {
      if (age === null || age < 0) continue;
      if (myAge - age > overdue) veto = true; // renewed well after this node last did: etcd is reachable
      else if (age > overdue) down++;
    }
    const agreed = down * 2 > total && !veto;
    if (agreed) this.agreedUntil = Math.max(this.agreedUntil, started + AGREEMENT_MS);
    if (agreed !== this.wasAgreed) {
      this.wasAgreed = agreed;
      if (agreed) host.log.warning(`etcd is unreachable for ${down} of ${total} nodes (a majority): the data plane keeps serving without a lease`);
      else host.log.notice(`etcd outage no longer agreed by a majority (${down} of ${total} nodes say it is down)`);
    }
    return agreed;
  }

  /** Closes the connections to the other nodes. */
  close(): void {
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
  }

  private async loop(): Promise<void> {
    try {
      while (this.host.running() && this.host.troubled()) {
        await this.round();
        await new Promise<void>((r) => setTimeout(r, POLL_MS).unref());
      }
    } finally {
      this.polling = false;
      if (!this.host.troubled()) this.close();
    }
  }

  private askOne(m: QuorumMember): Promise<number | null> {
    if (this.host.ask !== undefined) return this.host.ask(m);
    let peer = this.peers.get(m.id);
    if (peer === undefined || peer.host !== m.ip || peer.port !== m.port) {
      peer?.close();
      peer = new Peer(m.ip, m.port, this.password(), ASK_TIMEOUT_MS);
      this.peers.set(m.id, peer);
    }
    const p = peer;
    return new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        // A node that does not answer in time: drop the connection (its replies would come out of order).
        p.close();
        if (this.peers.get(m.id) === p) this.peers.delete(m.id);
        resolve(null);
      }, ASK_TIMEOUT_MS);
      timer.unref();
      p.send(['INFO', 'cluster']).then(
        (reply) => {
          clearTimeout(timer);
          // The node at that address must be the one asked (a new process may listen on a kept-down
          // primary's old address); -1 (does not know) is no vote.
          const v = typeof reply === 'string' && reply.includes(`cluster_node_id:${m.id}\r\n`) ? /^cluster_etcd_lease_age_ms:(-1|\d+)\r?$/m.exec(reply) : null;
          resolve(v === null ? null : Number(v[1]));
        },
        () => {
          clearTimeout(timer);
          resolve(null);
        },
      );
    });
  }
}
