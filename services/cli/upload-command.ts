import { parseByteSize } from '../core/byte-size.js';
/**
 * `imgsvc upload <files or folders…>`: sends images to a running service with an API key, a
 * few at a time, skipping whatever the owner already stored (by SHA-256), so an interrupted run
 * is resumed by running it again. With `--album`, each stored file is also put into that album.
 * Exit 0 when nothing failed, 1 when a file (or its album step, or the album check) did, 2 on bad usage.
 */
import pLimit from 'p-limit';
import { isImageId } from '../core/ids.js';
import { addToAlbum, checkAlbum } from './upload-album.js';
import { clientKey } from './client-key.js';
import { readClientSettings } from './client-settings.js';
import { collectCandidates } from './upload-files.js';
import { uploadOne } from './upload-one.js';
import type { FileResult } from './upload-types.js';
import type { RetryPolicy } from './retry-policy.js';
import { barReporter, jsonReporter, type UploadReporter } from './upload-progress.js';
import { anyFailed, summaryLine, tally } from './upload-report.js';
import { serviceUrl } from './running-service.js';

export interface UploadFlags {
  url?: string;
  key?: string;
  concurrency?: string;
  visibility?: string;
  tags?: string;
  album?: string;
  json?: boolean;
  resumableAbove?: string;
}

export interface UploadIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Pure: the flags checked at the boundary, every problem collected. */
export function parseUploadFlags(flags: UploadFlags, env: Record<string, string | undefined>): { base: string; concurrency: number; query: Record<string, string>; album?: string; resumableAbove: number } | { problems: string[] } {
  const { settings, problems } = readClientSettings(flags, env);
  const base = serviceUrl(settings);
  if (!/^https?:\/\/[^/]+/.test(base)) problems.push(`expected an http(s) URL for --url but received ${JSON.stringify(base)}`);
  const concurrency = Number(flags.concurrency ?? '4');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) problems.push(`expected an integer from 1 to 64 for --concurrency but received ${JSON.stringify(flags.concurrency)}`);
  const query: Record<string, string> = {};
  if (flags.visibility !== undefined) {
    if (flags.visibility !== 'public' && flags.visibility !== 'private') problems.push(`expected "public" or "private" for --visibility but received ${JSON.stringify(flags.visibility)}`);
    query.visibility = flags.visibility;
  }
  if (flags.tags !== undefined) query.tags = flags.tags;
  const resumableAbove = parseByteSize(flags.resumableAbove ?? '8MiB');
  if (resumableAbove === undefined) problems.push(`expected a size such as 8MiB or 20000000 for --resumable-above but received ${JSON.stringify(flags.resumableAbove)}`);
  if (flags.album !== undefined && !isImageId(flags.album)) problems.push(`expected a 26-character album id for --album but received ${JSON.stringify(flags.album)}`);
  return problems.length > 0 ? { problems } : { base, concurrency, query, resumableAbove: resumableAbove!, ...(flags.album !== undefined ? { album: flags.album } : {}) };
}

export async function runUpload(paths: string[], flags: UploadFlags, env: Record<string, string | undefined>, io: UploadIo = process, retry?: RetryPolicy): Promise<number> {
  const parsed = parseUploadFlags(flags, env);
  if ('problems' in parsed) {
    for (const p of parsed.problems) io.stderr.write(`imgsvc upload: ${p}\n`);
    return 2;
  }
  // The settings were checked just above (parseUploadFlags reports their problems).
  const key = clientKey(readClientSettings(flags, env).settings);
  if (!key) {
    io.stderr.write('imgsvc upload: uploads need an API key: pass --key, set IMGSVC_API_KEY, or run where ./data/admin-key is\n');
    return 2;
  }
  // Ctrl-C before the first file is sent (album check, walking the folders): say so, then 130.
  const onEarlyInterrupt = () => {
    io.stderr.write('\nimgsvc upload: interrupted before anything was sent\n');
    process.exit(130);
  };
  process.once('SIGINT', onEarlyInterrupt);
  const target = { base: parsed.base, key, query: parsed.query, resumableAbove: parsed.resumableAbove, ...(retry ? { retry } : {}) };
  const album = parsed.album;
  // Checked before anything is sent, so a typo in the id does not leave a folder uploaded outside its album.
  if (album !== undefined) {
    const problem = await checkAlbum(target, album);
    if (problem) {
      io.stderr.write(`imgsvc upload: --album: ${problem}; nothing was uploaded\n`);
      process.off('SIGINT', onEarlyInterrupt);
      return 1;
    }
  }
  const started = Date.now();
  const candidates = await collectCandidates(paths);
  const reporter: UploadReporter = flags.json || !io.stdout.isTTY ? jsonReporter(io.stdout, io.stderr) : barReporter(io.stdout);
  const files = candidates.filter((c) => c.kind === 'file');
  // Every path is reported once (skipped and unreadable ones too), so the count ends at its total.
  reporter.start(candidates.length, files.reduce((s, f) => s + f.bytes, 0));

  const results: FileResult[] = [];
  const report = (r: FileResult) => {
    results.push(r);
    reporter.result(r);
  };
  let sent = 0;
  const hooks = {
    onBytes: (n: number) => {
      sent += n;
      reporter.bytes(n);
    },
    // Counts on the bar (that work is done) but not as sent.
    onAlreadyStored: (n: number) => reporter.bytes(n),
  };
  // Paths that need no request are reported first, so a typo shows at once.
  for (const c of candidates) {
    if (c.kind === 'skip') report({ file: c.path, status: 'skipped', bytes: 0, error: c.reason });
    if (c.kind === 'error') report({ file: c.path, status: 'failed', bytes: 0, error: c.reason });
  }
  // Ctrl-C: put the terminal back (the bar hides the cursor) and say how to go on.
  const onInterrupt = () => {
    reporter.stop();
    io.stderr.write('\nimgsvc upload: interrupted; run the same command again to resume (stored files are not sent again)\n');
    process.exit(130);
  };
  process.off('SIGINT', onEarlyInterrupt);
  process.once('SIGINT', onInterrupt);
  const limit = pLimit(parsed.concurrency);
  // Once a file could not reach the service through all its retries, the others would only
  // wait as long to fail the same way: they are reported at once, and a rerun resumes.
  let unreachable: string | undefined;
  await Promise.all(
    files.map((f) =>
      limit(async () => {
        if (unreachable) return report({ file: f.path, status: 'failed', bytes: f.bytes, error: `not sent: ${parsed.base} unreachable (${unreachable})` });
        const r = await uploadOne(f.path, f.bytes, target, hooks);
        if (r.unreachable) unreachable ??= r.error;
        // Items join the album in the order their uploads finish; an existing image is added too, so a rerun completes the album.
        if (album !== undefined && r.id && (r.status === 'created' || r.status === 'existing')) r.album = await addToAlbum(target, album, r.id);
        report(r);
      }),
    ),
  );
  process.off('SIGINT', onInterrupt);
  reporter.stop();

  const t = tally(results);
  io.stderr.write(summaryLine(t, sent, Date.now() - started));
  return anyFailed(t) ? 1 : 0;
}
