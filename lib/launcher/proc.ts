// Process helpers: sleeping, signalling a recorded pid, waiting for it to go away.
import { processAlive } from './state';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls every 50 ms until process `pid` (identified by `mark` in its command line) is gone; resolves
 * true then, false once ms have passed with it still alive.
 */
export async function waitGone(pid: number, mark: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (processAlive(pid, mark)) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Sends `sig` (when `sig` is null, sends nothing: the caller already asked it to stop), waits up to
 * graceMs for it to exit, then SIGKILLs it and waits for that. Resolves true when it exited within the
 * grace time, false when it had to be killed.
 */
export async function signalAndWait(pid: number, mark: string, sig: NodeJS.Signals | null, graceMs: number): Promise<boolean> {
  if (sig !== null) {
    try {
      process.kill(pid, sig);
    } catch {
      return true; // already gone
    }
  }
  if (await waitGone(pid, mark, graceMs)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return true;
  }
  await waitGone(pid, mark, 5000);
  return false;
}
