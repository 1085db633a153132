// Every CLI command module, each exporting `register(program)`. One line per command file.
import type { Command } from 'commander';
import { register as bench } from './bench.ts';
import { register as bounces } from './bounces.ts';

import { register as build } from './build.ts';
import { register as lint } from './lint.ts';
import { register as preview } from './preview.ts';
import { register as subscribers } from './subscribers.ts';
import { register as serve } from './serve.ts';
import { register as send } from './send.ts';
import { register as status } from './status.ts';
import { register as report } from './report.ts';
import { register as control } from './control.ts';
import { register as worker } from './worker.ts';
import { register as dev } from './dev.ts';
import { register as inbox } from './inbox.ts';
import { register as papers } from './papers.ts';
import { register as newIssue } from './new.ts';
import { register as doctor } from './doctor.ts';
import { register as users } from './users.ts';

export const commands: Array<(program: Command) => void> = [
  bench,
  newIssue,
  build,
  lint,
  preview,
  subscribers,
  bounces,
  serve,
  send,
  status,
  report,
  control,
  worker,
  dev,
  inbox,
  papers,
  doctor,
  users,
];
