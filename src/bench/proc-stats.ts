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
