// Runs `newsletter bench` on a throwaway 3-master Redis Cluster (the tests' helper starts it),
// once per partition count given: `node --import tsx scripts/cluster-bench.ts 10000 1 3`.
// What README's "partitions · Redis CPU per master" figures come from.
import { spawnSync } from 'node:child_process';
import { startRedisCluster } from '../test/helpers/redis-cluster.ts';

const [subscribers = '10000', ...counts] = process.argv.slice(2);
const cluster = await startRedisCluster(3);
try {
  for (const partitions of counts.length ? counts : ['1', '3']) {
    const out = `bench-cluster-p${partitions}.json`;
    const run = spawnSync(
      process.execPath,
      ['bin/newsletter.js', 'bench', '--subscribers', subscribers, '--ceiling', subscribers, '--partitions', partitions, '--out', out],
      {
        stdio: 'inherit',
        env: { ...process.env, REDIS_CLUSTER: 'true', REDIS_URL: cluster.url },
      },
    );
    if (run.status !== 0) process.exitCode = 1;
  }
} finally {
  await cluster.stop();
}
