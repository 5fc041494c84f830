// For bench:workers: N origin processes on one port through node:cluster (the primary accepts
// and hands connections round-robin to the workers), each the real `imgsvc serve --role origin`.
// Usage: node bench/cluster-origin.mjs <workers> <port> <data dir>   (REDIS_URL in the environment)
import cluster from 'node:cluster';

const [workers, port, data] = process.argv.slice(2);
if (cluster.isPrimary) {
  for (let i = 0; i < Number(workers); i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
  });
} else {
  process.argv = [process.argv[0], 'imgsvc', 'serve', '--role', 'origin', '--port', port, '--data', data];
  await import('../dist/services/cli/main.js');
}
