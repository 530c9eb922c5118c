// Slot -> shard: a consistent-hash ring with virtual nodes. Pure and deterministic: every node that
// computes the assignment from the same set of shard ids gets the same result, whatever the order of
// the list. It runs only on topology changes, so it favours clarity over speed.
//
// The ring is the 32-bit circle [0, 2^32).
// - Virtual node i of shard `id` sits at point(`${id}#${i}`): the first 4 bytes, big-endian, of the
//   MD5 of that string (UTF-8). MD5 is not used for security here, only as a well-mixed, universally
//   available, stable hash (node:crypto, no table or seed to get wrong across versions).
// - Slot s sits at s * 2^18 (the slots evenly spaced around the circle, 2^32 / SLOTS apart). Evenly
//   spaced points add no sampling noise of their own (a shard's share is its arc length to within one
//   slot per arc), and each virtual node's arc is a contiguous slot range, so CLUSTER SLOTS stays at
//   about shards*vnodes ranges instead of thousands of single slots.
// - A slot belongs to the first virtual node clockwise from its point, point >= slot point, wrapping
//   around. Ties (two virtual nodes on one point) go to the smaller shard id, then the smaller i.
//   Equivalently: the owner is the virtual node minimising (clockwise distance, shard id, i), a total
//   order that does not depend on which other shards exist. Hence adding a shard only moves slots to
//   it, and removing one only moves its own slots, each to a survivor.
import { createHash } from 'node:crypto';
import { SLOTS } from '../util/slots';

/** Virtual nodes per shard unless told otherwise: max share <= 1.25x the mean up to 32 shards (spec). */
export const DEFAULT_VNODES = 256;

/** Distance between two neighbouring slot points on the ring (2^32 / SLOTS). */
const SLOT_SPACING = 2 ** 32 / SLOTS;

export interface SlotAssignment {
  /** The shard ids, sorted ascending (code-unit order), no duplicates. */
  readonly shards: readonly string[];
  /** owners[slot] is an index into `shards`; length SLOTS; all -1 only when `shards` is empty. */
  readonly owners: Int32Array;
}

/** One slot whose owner differs between two assignments; null stands for "no owner". */
export interface SlotMove {
  readonly slot: number;
  readonly from: string | null;
  readonly to: string | null;
}

/** The ring point (an unsigned 32-bit integer) of virtual node `i` of shard `shardId`. */
export function vnodePoint(shardId: string, i: number): number {
  return createHash('md5').update(`${shardId}#${i}`, 'utf8').digest().readUInt32BE(0);
}

/**
 * Assigns every slot to a shard (see the header for the rule). Throws RangeError when a shard id
 * is repeated or empty, or when vnodesPerShard is not an integer >= 1. With no shards, every owner
 * is -1.
 */
export function assignSlots(shards: readonly string[], vnodesPerShard: number = DEFAULT_VNODES): SlotAssignment {
  if (!Number.isInteger(vnodesPerShard) || vnodesPerShard < 1) throw new RangeError(`vnodesPerShard must be an integer >= 1, got ${vnodesPerShard}`);
  const ids = [...shards].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let k = 0; k < ids.length; k++) {
    if (ids[k] === '') throw new RangeError('empty shard id');
    if (k > 0 && ids[k] === ids[k - 1]) throw new RangeError(`duplicate shard id ${ids[k]}`);
  }
  const owners = new Int32Array(SLOTS).fill(-1);
  if (ids.length === 0) return { shards: ids, owners };

  // Virtual nodes as (point, shard index, i), sorted by that triple; shard index order is id order.
  const total = ids.length * vnodesPerShard;
  const points = new Float64Array(total);
  const shardOf = new Int32Array(total);
  const order = new Int32Array(total);
  for (let s = 0, v = 0; s < ids.length; s++) {
    for (let i = 0; i < vnodesPerShard; i++, v++) {
      points[v] = vnodePoint(ids[s], i);
      shardOf[v] = s;
      order[v] = v; // v = s * vnodesPerShard + i, so comparing v compares (shard, i)
    }
  }
  order.sort((a, b) => points[a] - points[b] || a - b);

  // Slot points increase with the slot number, so one pointer walks the sorted virtual nodes.
  let next = 0;
  for (let slot = 0; slot < SLOTS; slot++) {
    const p = slot * SLOT_SPACING;
    while (next < total && points[order[next]] < p) next++;
    owners[slot] = shardOf[order[next < total ? next : 0]]; // past the last point: wrap around
  }
  return { shards: ids, owners };
}

/** The id of the shard owning `slot`, or null when the assignment has no shards. */
export function ownerOf(a: SlotAssignment, slot: number): string | null {
  const k = a.owners[slot];
  return k < 0 ? null : a.shards[k];
}

/** Every slot whose owner id differs between `before` and `after`, in slot order. */
export function movedSlots(before: SlotAssignment, after: SlotAssignment): SlotMove[] {
  const moves: SlotMove[] = [];
  for (let slot = 0; slot < SLOTS; slot++) {
    const from = ownerOf(before, slot);
    const to = ownerOf(after, slot);
    if (from !== to) moves.push({ slot, from, to });
  }
  return moves;
}
