import { writeFileSync } from 'node:fs';
import { noteProblems, renderConfiguration } from './config-docs/render-configuration.js';

/** `npm run docs:config`: writes docs/configuration.md from the settings tables. */
const problems = noteProblems();
if (problems.length > 0) {
  process.stderr.write(`docs:config: fix scripts/config-docs/setting-notes.ts first:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfiguration());
process.stdout.write('wrote docs/configuration.md\n');
