import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClientSettings } from './client-settings.js';

/**
 * What a running `imgsvc serve` tells the other commands on the same data folder: where it
 * listens and which Redis it uses. Without it, `imgsvc users` tried to start a second private
 * Redis on the same files (refused), and `imgsvc stats|upload` guessed port 8080.
 */
export interface RunningService {
  url: string;
  redisUrl: string;
  pid: number;
}

const FILE = 'running.json';

export function writeRunningService(dataDir: string, running: RunningService): () => void {
  const path = join(resolve(dataDir), FILE);
  writeFileSync(path, `${JSON.stringify(running)}\n`, { mode: 0o600 });
  return () => {
    // Only ours: a second serve on the same folder may have written its own since.
    if (readRunningFile(path)?.pid === running.pid) rmSync(path, { force: true });
  };
}

/** The service running on this data folder, if its process is still alive. */
export function readRunningService(dataDir: string): RunningService | undefined {
  const found = readRunningFile(join(resolve(dataDir), FILE));
  if (!found) return undefined;
  try {
    process.kill(found.pid, 0);
    return found;
  } catch {
    return undefined;
  }
}

function readRunningFile(path: string): RunningService | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunningService>;
    if (typeof value.url === 'string' && typeof value.redisUrl === 'string' && Number.isInteger(value.pid)) return value as RunningService;
  } catch {
    // Missing or half-written: as if nothing runs.
  }
  return undefined;
}

/** `--url`, else IMGSVC_URL (client-settings.ts), else the service running on this data folder, else IMGSVC_PORT or 8080 on loopback. */
export function serviceUrl(settings: Pick<ClientSettings, 'url' | 'dataDir' | 'port'>): string {
  const url = settings.url ?? readRunningService(settings.dataDir)?.url ?? `http://127.0.0.1:${settings.port}`;
  return url.replace(/\/+$/, '');
}
