#!/usr/bin/env node
// The published bin: registers the TypeScript loader (tsx) so the CLI runs from source
// with no build step, then hands over to the commander entry.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
