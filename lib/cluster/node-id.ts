// A cluster node's id: 40 lowercase hex characters (as Redis's), created once and kept in a file in
// `dir` (cluster-config-file, Redis's nodes.conf) so that a restarted node comes back as itself.
import * as crypto from 'crypto';
import * as fs from 'fs';
import { isNodeId } from './topology';

/**
 * The id stored in `file` (its first line), or a new random one written there (mode 0644, via a
 * temporary file and rename, so a crash never leaves half an id). Throws when the file exists but does
 * not start with a valid id ("<file> holds no node id"), or when it cannot be read or written.
 */
export function loadOrCreateNodeId(file: string): string {
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== null) {
    const id = text.split('\n')[0].trim();
    if (!isNodeId(id)) throw new Error(`${file} holds no node id (expected 40 lowercase hex characters on its first line)`);
    return id;
  }
  const id = crypto.randomBytes(20).toString('hex');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${id}\n`);
  fs.renameSync(tmp, file);
  return id;
}
