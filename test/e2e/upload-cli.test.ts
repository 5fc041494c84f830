/**
 * `imgsvc upload` as a user runs it: the real binary against a running service, real corpus
 * images, JSON lines checked file by file, resumption checked on the server's own counters,
 * and the progress bar seen through a pseudo-terminal (util-linux `script`).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { ROOT } from '../helpers/repo-root.js';
import { requireTool } from '../helpers/require-tool.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { BIN, spawnImgsvc } from '../helpers/spawn-imgsvc.js';

interface Line {
  file: string;
  status: 'created' | 'existing' | 'skipped' | 'failed';
  id: string | null;
  url: string | null;
  bytes: number;
  error: string | null;
  album: { id: string; position: number | null; error: string | null } | null;
}

let t: TestService;
let work: string;

beforeAll(async () => {
  t = await startTestService();
  work = await mkdtemp(join(tmpdir(), 'imgsvc-upload-cli-'));
});
afterAll(async () => {
  await t?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `imgsvc upload` to the end, stdout (the JSON lines) kept apart from stderr. */
async function upload(args: string[], key = t.adminKey): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  const s = spawnImgsvc(['upload', '--url', t.url, '--key', key, ...args], { cwd: work });
  let stdout = '';
  let stderr = '';
  s.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  s.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const { code } = await s.exited;
  const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  return { code, lines, stderr };
}

async function folderOf(name: string, files: string[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const f of files) await copyFile(corpusPath(f), join(dir, f.split('/').pop()!));
  return dir;
}

/** A counter from the service's /metrics, summed over the series whose labels match. */
async function metric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(' ').pop());
    else if (line.startsWith(`${name} `)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

describe('imgsvc upload', () => {
  it('prints one JSON line per file and the images are there', async () => {
    const dir = await folderOf('json', ['photos/starfish.jpg', 'alpha/basn3p04-31i.png', 'formats/wood-l.webp']);
    const run = await upload(['--json', '--tags', 'cli,test', '--visibility', 'private', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.map((l) => `${l.file.split('/').pop()} ${l.status}`).sort()).toEqual(['basn3p04-31i.png created', 'starfish.jpg created', 'wood-l.webp created']);
    for (const l of run.lines) {
      expect(Object.keys(l).sort()).toEqual(['album', 'bytes', 'error', 'file', 'id', 'status', 'url']);
      expect(l.album).toBeNull();
      expect(l.bytes).toBe((await stat(l.file)).size);
      expect(l.url).toBe(`${t.url}/i/${l.id}`);
      expect(l.error).toBeNull();
      const record = (await (await fetch(`${t.url}/v1/images/${l.id}`, { headers: { authorization: `Bearer ${t.adminKey}` } })).json()) as { visibility: string; tags: string[]; bytes: number };
      expect(record).toMatchObject({ visibility: 'private', tags: ['cli', 'test'], bytes: l.bytes });
    }
    expect(run.stderr).toMatch(/3 uploaded, 0 already there, 0 skipped, 0 failed/);
  });

  it('reports a non-image, a refused format and a missing path per file, uploads the rest and exits 1', async () => {
    const dir = await folderOf('mixed', ['photos/tower_progressive.jpg', 'formats/windows95.bmp', 'orientation/orientation_5.jpg']);
    await writeFile(join(dir, 'notes.txt'), 'not an image\n');
    const missing = join(work, 'no-such-folder');
    const run = await upload([dir, missing]);
    expect(run.code).toBe(1);
    const by = (name: string) => run.lines.find((l) => l.file.endsWith(name))!;
    expect(by('tower_progressive.jpg').status).toBe('created');
    expect(by('orientation_5.jpg').status).toBe('created');
    expect(by('notes.txt')).toMatchObject({ status: 'skipped', id: null, error: expect.stringContaining('not an image') });
    // The extension passed the pre-filter; the server sniffed the bytes and refused them.
    expect(by('windows95.bmp')).toMatchObject({ status: 'failed', error: expect.stringContaining('415') });
    expect(by('no-such-folder')).toMatchObject({ status: 'failed', error: 'no such file or folder' });
    expect(run.stderr).toContain(`FAILED ${missing}: no such file or folder`);
    expect(run.stderr).toMatch(/2 uploaded, 0 already there, 1 skipped, 2 failed/);
  });

  it('--album puts every stored file into the album, the already-stored ones too, and refuses a missing or foreign album before sending', async () => {
    const owner = await createUser(t.url, t.adminKey, 'album-cli-owner');
    const made = await api(t.url, 'POST', '/v1/albums', owner.key, { title: 'From the CLI' });
    expect(made.status).toBe(201);
    const albumId = String(made.body.id);
    const dir = await folderOf('album', ['photos/Wood.jpg', 'color/Grey-2560x1600.jpg', 'orientation/orientation_8.jpg']);
    // One file is stored before the run: it is found by its SHA-256 and goes into the album all the same.
    const before = await upload(['--json', join(dir, 'Wood.jpg')], owner.key);
    expect(before.lines[0]).toMatchObject({ status: 'created', album: null });

    const run = await upload(['--json', '--album', albumId, dir], owner.key);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.map((l) => `${l.file.split('/').pop()} ${l.status}`).sort()).toEqual(['Grey-2560x1600.jpg created', 'Wood.jpg existing', 'orientation_8.jpg created']);
    for (const l of run.lines) expect(l.album).toEqual({ id: albumId, position: expect.any(Number), error: null });
    expect(run.lines.map((l) => l.album!.position).sort()).toEqual([0, 1, 2]);
    const items = await api(t.url, 'GET', `/v1/albums/${albumId}/images`, owner.key);
    expect((items.body.items as { id: string }[]).map((i) => i.id).sort()).toEqual(run.lines.map((l) => l.id).sort());

    // Run again: nothing sent, nothing added twice.
    const again = await upload(['--json', '--album', albumId, dir], owner.key);
    expect(again.code).toBe(0);
    expect(again.lines.map((l) => l.status)).toEqual(['existing', 'existing', 'existing']);
    expect(new Set(again.lines.map((l) => l.album!.position))).toEqual(new Set([0, 1, 2]));

    // Someone else's album (here the admin's key, which could manage it but would put its own images in it).
    const uploadsBefore = await metric('imgsvc_uploads_total');
    const foreign = await upload(['--json', '--album', albumId, dir]);
    expect(foreign.code).toBe(1);
    expect(foreign.lines).toEqual([]);
    expect(foreign.stderr).toContain(`the album ${albumId} belongs to another user`);
    expect(foreign.stderr).toContain('nothing was uploaded');
    const missing = await upload(['--json', '--album', '01JZZZZZZZZZZZZZZZZZZZZZZZ', dir], owner.key);
    expect(missing.code).toBe(1);
    expect(missing.lines).toEqual([]);
    expect(missing.stderr).toContain('no album 01JZZZZZZZZZZZZZZZZZZZZZZZ that this key may see');
    expect(await metric('imgsvc_uploads_total')).toBe(uploadsBefore);
    const malformed = await upload(['--album', 'not-an-id', dir], owner.key);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('expected a 26-character album id for --album but received "not-an-id"');
  });

  it('resumes after being killed mid-way without sending stored files again', async () => {
    const dir = await folderOf('resume', ['photos/Elephants_5640x3172.jpg', 'photos/panoramic.jpg', 'photos/issue70.jpg', 'photos/Kite-2560x1600.jpg', 'photos/ColorfulCups-2560x1600.jpg', 'photos/Wood.jpg']);
    // First run, one at a time, killed once the first file is reported stored.
    const first = spawnImgsvc(['upload', '--json', '--concurrency', '1', '--url', t.url, '--key', t.adminKey, dir], { cwd: work });
    let firstOut = '';
    first.child.stdout?.on('data', (c: Buffer) => {
      firstOut += c.toString();
      if (firstOut.includes('"created"')) first.child.kill('SIGKILL');
    });
    await first.exited;
    const storedBefore = firstOut.split('\n').filter((l) => l.includes('"created"')).length;
    expect(storedBefore).toBeGreaterThanOrEqual(1);
    expect(storedBefore).toBeLessThan(6);

    const bytesBefore = await metric('imgsvc_upload_received_bytes_total');
    const second = await upload(['--concurrency', '2', dir]);
    expect(second.code, second.stderr).toBe(0);
    const existing = second.lines.filter((l) => l.status === 'existing');
    const created = second.lines.filter((l) => l.status === 'created');
    expect(existing.length).toBeGreaterThanOrEqual(storedBefore);
    expect(existing.length + created.length).toBe(6);
    // The server received exactly the bytes of the files it did not have.
    expect((await metric('imgsvc_upload_received_bytes_total')) - bytesBefore).toBe(created.reduce((s, l) => s + l.bytes, 0));

    // A third run sends nothing at all: no POST reaches the upload route.
    const uploadsBefore = await metric('imgsvc_uploads_total');
    const bytesBeforeThird = await metric('imgsvc_upload_received_bytes_total');
    const third = await upload([dir]);
    expect(third.code).toBe(0);
    expect(third.lines.map((l) => l.status)).toEqual(Array(6).fill('existing'));
    expect(new Set(third.lines.map((l) => l.id))).toEqual(new Set(second.lines.map((l) => l.id)));
    expect(await metric('imgsvc_uploads_total')).toBe(uploadsBefore);
    expect(await metric('imgsvc_upload_received_bytes_total')).toBe(bytesBeforeThird);
  });

  it('reports a file the server refuses as too large and goes on', async () => {
    const small = await startTestService({ IMGSVC_MAX_UPLOAD_BYTES: '1000000' });
    try {
      const dir = await folderOf('too-large', ['photos/Elephants_5640x3172.jpg', 'photos/starfish.jpg', 'photos/panoramic.jpg']);
      const s = spawnImgsvc(['upload', '--json', '--concurrency', '1', '--url', small.url, '--key', small.adminKey, dir], { cwd: work });
      let stdout = '';
      s.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      const { code } = await s.exited;
      expect(code).toBe(1);
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
      expect(lines.map((l) => `${l.file.split('/').pop()} ${l.status}`)).toEqual(['Elephants_5640x3172.jpg failed', 'panoramic.jpg failed', 'starfish.jpg created']);
      expect(lines[0]!.error).toMatch(/^413 payload_too_large: /);
    } finally {
      await small.stop();
    }
  });

  it('on Ctrl-C says how to resume and exits 130', async () => {
    const dir = await folderOf('interrupt', ['photos/Elephants_5640x3172.jpg', 'photos/panoramic.jpg', 'photos/flower.png.im_q85_444.jpg']);
    const s = spawnImgsvc(['upload', '--concurrency', '1', '--url', t.url, '--key', t.adminKey, dir], { cwd: work });
    let out = '';
    s.child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('"created"')) s.child.kill('SIGINT');
    });
    const { code } = await s.exited;
    expect(code).toBe(130);
    expect(s.output()).toContain('interrupted; run the same command again to resume');
  });

  it('shows a progress bar on a terminal', async () => {
    const script = requireTool('script', 'util-linux', 'the progress-bar test (a pseudo-terminal)');
    const dir = await folderOf('tty', ['orientation/orientation_2.jpg', 'orientation/orientation_7.jpg', 'color/Grey-2560x1600.jpg']);
    const command = [process.execPath, BIN, 'upload', '--url', t.url, '--key', t.adminKey, dir].map((a) => `'${a}'`).join(' ');
    const { stdout } = await promisify(execFile)(script, ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH, TERM: 'xterm' } });
    // eslint-disable-next-line no-control-regex
    const text = stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(text).toMatch(/[█░]{20} 3\/3 files \| [\d.]+ (KiB|MiB)\/[\d.]+ (KiB|MiB) \| [\d.]+ (B|KiB|MiB|GiB)\/s \| \d+ s left/);
    expect(text).toMatch(/3 uploaded, 0 already there, 0 skipped, 0 failed; [\d.]+ (KiB|MiB) sent/);
    expect(text).not.toContain('{"file"');
  });
});
