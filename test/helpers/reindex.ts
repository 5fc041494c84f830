import { runReindex } from '../../services/cli/reindex-command.js';

/** Runs `imgsvc reindex` in process against a test service's settings, capturing what it prints. */
export async function reindexCapturing(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    const code = await runReindex({}, env);
    return { code, out: out.join('') };
  } finally {
    process.stdout.write = write;
  }
}
