import { writeFileSync } from 'node:fs';
import { FakeApiServer } from '/work/main/test/fake-kube/fake-api-server.js';
const fake = await FakeApiServer.start();
writeFileSync('/tmp/fake.kubeconfig', fake.kubeconfig());
console.log(fake.url);
process.on('SIGTERM', () => { console.log(JSON.stringify(fake.requests.map(r => `${r.method} ${r.path}${r.query}`), null, 1)); process.exit(0); });
