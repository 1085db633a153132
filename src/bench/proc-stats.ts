// CPU time and peak memory of another process, read from Linux /proc (the workers are separate
// processes we did not write the reporting into). Elsewhere the figures are reported as null.
import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ; /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream build). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcSample {
  /** User + system CPU time in ms. */
  cpuMs: number;
  /** Peak resident set size (VmHWM) in bytes. */
  maxRssBytes: number;
}

export async function readProcStats(pid: number): Promise<ProcSample | null> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // The command name (field 2) may contain spaces or parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return {
      cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND,
      maxRssBytes: hwm ? Number(hwm[1]) * 1024 : 0,
    };
  } catch {
    return null;
  }
}

/** Whole-machine CPU counters from /proc/stat, in ms (all cores): busy and total. */
export async function readMachineCpu(): Promise<{ busyMs: number; totalMs: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
    // guest time is already counted in user; leave out guest and guest_nice (fields 9 and 10)
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busyMs: ((total - idle) * 1000) / CLOCK_TICKS_PER_SECOND, totalMs: (total * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** Shares of all cores' time during a phase: busy in total, and used by the benchmark's processes. */
export interface Utilisation {
  machineBusy: number;
  ours: number;
}

export function utilisationOf(
  before: { busyMs: number; totalMs: number } | null,
  after: { busyMs: number; totalMs: number } | null,
  oursMs: number,
): Utilisation {
  if (!before || !after || after.totalMs <= before.totalMs) return { machineBusy: 0, ours: 0 };
  const total = after.totalMs - before.totalMs;
  return { machineBusy: (after.busyMs - before.busyMs) / total, ours: Math.min(1, oursMs / total) };
}
