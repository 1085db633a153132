// `newsletter serve [--port N]`: the HTTP server (subscribe, confirm, unsubscribe, archive, API).
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { guardSecrets, loadConfig, readEnvironment } from '../../config/index.ts';
import { UserError } from '../../errors.ts';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server: subscribe form, confirm and unsubscribe links, web archive, /healthz, /metrics, admin API')
    .option('--port <n>', 'port to listen on (default: PORT, else 3000)')
    .action(async (options: { port?: string }) => {
      let port: number | undefined;
      if (options.port !== undefined) {
        port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: expected a port number 0-65535, got "${options.port}"`);
      }
      const env = readEnvironment();
      const config = loadConfig(env, ['SECRET', 'ADMIN_TOKEN']);
      // .env.example's change-me values (or any guessable one): refused for a public site, one
      // warning line when PUBLIC_URL and HOST are this machine (`cp .env.example .env` works).
      const warning = guardSecrets(env, config, { command: 'serve', listenHost: config.host });
      if (warning) process.stderr.write(`newsletter serve: ${warning}\n`);
      // A server's garbage is short-lived per request; V8 would let the old generation double
      // before collecting it (RSS +70 MB over 10,000 requests, live heap flat at 43 MB).
      // Growing it by 10 % at a time keeps RSS flat; it is read at every GC, so setting it now works.
      setFlagsFromString('--heap-growing-percent=10');
      // Loaded on use: Fastify and its plugins would slow every other command's start.
      const { startServer } = await import('../../server/server.ts');
      await startServer(config, port === undefined ? {} : { port });
    });
}
