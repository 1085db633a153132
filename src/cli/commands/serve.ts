// `newsletter serve [--port N]`: the HTTP server (subscribe, confirm, unsubscribe, archive, API).
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
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
      const config = loadConfig(readEnvironment(), ['SECRET', 'ADMIN_TOKEN']);
      // Loaded on use: Fastify and its plugins would slow every other command's start.
      const { startServer } = await import('../../http/server.ts');
      await startServer(config, port === undefined ? {} : { port });
    });
}
