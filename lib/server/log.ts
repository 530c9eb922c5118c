// Redis-style log lines: `pid:M 22 Nov 2026 10:29:02.123 * message`, with Redis's level marks
// (. debug, - verbose, * notice, # warning), to standard output or the logfile.
import * as fs from 'fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<string, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** process.stdout has its error listener (asynchronous EPIPE would otherwise be an uncaught exception). */
let stdoutGuarded = false;

export class Logger {
  level: LogLevel = 'notice';
  private fd: number | null = null;

  /** Sends lines to a file ('' = standard output). Throws when it cannot be opened. */
  setFile(path: string): void {
    this.fd = path ? fs.openSync(path, 'a') : null;
  }

  /** Writes one line at level when the level is enabled. Never throws (write errors are ignored). */
  log(level: Exclude<LogLevel, 'nothing'>, msg: string): void {
    if (RANK[level] < RANK[this.level]) return;
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const stamp =
      `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
      `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${stamp} ${MARK[level]} ${msg}\n`;
    // A full disk (ENOSPC) or a closed stdout (EPIPE) must not take the node down: the line is lost.
    try {
      if (this.fd !== null) fs.writeSync(this.fd, line);
      else {
        if (!stdoutGuarded) {
          stdoutGuarded = true;
          process.stdout.on('error', () => undefined);
        }
        process.stdout.write(line);
      }
    } catch {
      // ignored: logging is best effort
    }
  }

  debug(msg: string): void {
    this.log('debug', msg);
  }
  verbose(msg: string): void {
    this.log('verbose', msg);
  }
  notice(msg: string): void {
    this.log('notice', msg);
  }
  warning(msg: string): void {
    this.log('warning', msg);
  }
}
