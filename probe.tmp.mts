import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DELIVER_JOB_OPTIONS } from './src/campaign/queues.ts';
const c = new Redis({ maxRetriesPerRequest: null });
const q = new Queue('probe', { connection: c, prefix: '{probe}' });
await q.addBulk([{ name: 'deliver', data: { issueId: 'x', subscriberId: '7' }, opts: { ...DELIVER_JOB_OPTIONS, jobId: 'd:x:7' } }]);
console.log(await c.hgetall('{probe}:probe:d:x:7'), q.keys[''], q.keys.wait, q.keys.marker);
console.log(await c.keys('{probe}*'), await c.hgetall('{probe}:probe:meta'), await c.get('{probe}:probe:id'));
await q.obliterate({force:true}); await q.close(); c.disconnect();
