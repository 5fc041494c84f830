import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../services/redis/free-port.js';
import { barReporter } from '../../services/cli/upload-progress.js';
import { spawnedPerTest, spawnImgsvc, waitForListening, type Spawned } from '../helpers/spawn-imgsvc.js';

/** What a newcomer hit on a first run (issue 21 item 10), each checked on the real binary. */
const procs = spawnedPerTest('imgsvc-newcomer-');
beforeEach(procs.prepare);
afterEach(procs.reap);

function run(args: string[], env: Record<string, string> = {}): Spawned {
  return procs.track(spawnImgsvc(args, { cwd: procs.cwd(), env }));
}

async function serve(args: string[] = []): Promise<{ s: Spawned; url: string }> {
  const port = await findFreePort();
  const s = run(['serve', '--port', String(port), ...args]);
  return { s, url: await waitForListening(s) };
}

describe('a first run', () => {
  it('prints where to go (docs, the Redis the other commands share), and users/keys/stats talk to the running service', async () => {
    const { s, url } = await serve();
    await expect.poll(() => s.output(), { timeout: 5_000 }).toMatch(/imgsvc: serving http/);
    expect(s.output()).toContain(`${url}/docs`);
    expect(s.output()).toContain(`web app:   ${url}/app`);
    expect(s.output()).toMatch(/Redis: +redis:\/\/127\.0\.0\.1:\d+ \(private/);

    // The private Redis belongs to serve: before, this refused with "the Redis in …/data/redis is in use".
    const users = run(['users', 'list']);
    expect((await users.exited).code).toBe(0);
    expect(users.output()).toMatch(/admin +admin active/);

    // No --url and no IMGSVC_PORT: the service on this data folder, not a guess at 8080.
    const stats = run(['stats']);
    expect((await stats.exited).code).toBe(0);
    expect(stats.output()).toContain(`imgsvc at ${url}`);
  });

  it('a process with --role origin does not point uploads at itself', async () => {
    const { s, url } = await serve(['--role', 'origin']);
    await expect.poll(() => s.output(), { timeout: 5_000 }).toMatch(/imgsvc: serving http/);
    expect(s.output()).not.toContain(`${url}/v1/images`);
    expect(s.output()).toMatch(/role origin: upload through a process with --role upload or all/);
    expect(s.output()).toMatch(/this role serves images only/);
  });
});

describe('imgsvc upload', () => {
  it('counts every path once: a skipped file does not end the bar at "8/7 files"', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const bar = barReporter(out as unknown as NodeJS.WritableStream);
    // 2 paths: one file and one skipped, as runUpload reports them.
    bar.start(2, 100);
    bar.result({ file: 'notes.txt', status: 'skipped', bytes: 0, error: 'not an image' });
    bar.bytes(100);
    bar.result({ file: 'a.jpg', status: 'created', bytes: 100, id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    bar.stop();
    expect(text).toContain('2/2 files');
    expect(text).not.toMatch(/3\/2 files/);
  });

  it('Ctrl-C while it is still starting says so and exits 130', async () => {
    // A service that accepts the album check and never answers: the command is stuck in start-up.
    let asked!: () => void;
    const albumChecked = new Promise<void>((r) => (asked = r));
    const hanging: Server = createServer(() => asked());
    const port = await findFreePort();
    await new Promise<void>((r) => hanging.listen(port, '127.0.0.1', r));
    try {
      await writeFile(join(procs.cwd(), 'a.jpg'), 'x');
      const s = run(['upload', '--url', `http://127.0.0.1:${port}`, '--key', 'imgsvc_0000000000000000_x', '--album', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'a.jpg']);
      await albumChecked;
      s.child.kill('SIGINT');
      expect((await s.exited).code).toBe(130);
      expect(s.output()).toMatch(/interrupted before anything was sent/);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});
