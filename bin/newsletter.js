#!/usr/bin/env -S node --max-semi-space-size=2
// --max-semi-space-size=2: V8's young generation otherwise grows to 2 × 16 MB under load and
// stays there; at 2 MB the server's RSS stays flat under hostile traffic and the workers' CPU per
// message is unchanged (bench: 0.816 vs 0.822 ms per message, one run each way).
// The published bin: runs the CLI compiled to dist/ at install (`npm install` / `npm ci` run the
// `prepare` script, `tsc -p tsconfig.build.json`), so no TypeScript is compiled at start-up. The
// CLI runs in this process (no child): a signal sent to this process reaches the command.
import { existsSync } from 'node:fs';

/**
 * `npx newsletter …` (and `npm run …`) start us through a shell: npm → `sh -c newsletter …` →
 * node. npm passes SIGTERM and SIGINT on to that shell only, which dies of it without passing
 * it on, so `kill -TERM <npx pid>` (a Procfile runner, `docker stop`) would leave this process
 * running, orphaned. Started by npm, we take our parent's going away as the SIGTERM that did
 * not reach us, so a worker or server stops as cleanly as on a real one. Under a supervisor,
 * run `bin/newsletter.js` itself (deploy/): then the supervisor's signal reaches us directly.
 */
function stopWithParent() {
  const parent = process.ppid;
  let signalled = false;
  // A SIGTERM/SIGINT that did reach us (systemd signals every process of the unit) must not be
  // doubled when the shell dies of it too: a worker takes a second signal as "exit now". A
  // listener alone would keep the signal from ending the process, so when no command listens
  // for it, this one does what the signal does by default.
  for (const signal of ['SIGTERM', 'SIGINT']) {
    const note = () => {
      signalled = true;
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, note);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, note);
  }
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    // After this turn's I/O: a signal that came with the shell's death is noted first.
    setImmediate(() => {
      if (!signalled) process.kill(process.pid, 'SIGTERM');
    });
  }, 250);
  timer.unref();
}

if (process.env.npm_lifecycle_event !== undefined) stopWithParent();

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('newsletter: the compiled CLI (dist/) is missing; run `npm run build` (npm install does it)\n');
  process.exit(1);
}
await import(entry.href);
