const mods = process.argv.slice(2);
globalThis.gc?.();
const base = process.memoryUsage();
for (const m of mods) await import(m);
globalThis.gc?.(); globalThis.gc?.();
const after = process.memoryUsage();
const mb = (x) => (x/1048576).toFixed(1);
console.log(mods.join(' ').slice(0,80), 'rss', mb(after.rss), 'heapUsed', mb(after.heapUsed), 'heapTotal', mb(after.heapTotal), 'ext', mb(after.external));
