import cliProgress from 'cli-progress';
import type { FileResult } from './upload-types.js';
import { formatBytes, jsonLine, problemLine } from './upload-report.js';

/** Where the command tells what is happening: JSON lines for machines, or a bar for a person. */
export interface UploadReporter {
  start(files: number, bytes: number): void;
  bytes(n: number): void;
  result(r: FileResult): void;
  stop(): void;
}

export function jsonReporter(out: NodeJS.WritableStream, err: NodeJS.WritableStream): UploadReporter {
  return {
    start: () => {},
    bytes: () => {},
    result: (r) => {
      out.write(jsonLine(r));
      if (r.status === 'failed' || r.album?.error) err.write(problemLine(r));
    },
    stop: () => {},
  };
}

/**
 * A live bar on a terminal: files done/total, bytes, rate and time left. The bar's value is
 * bytes (so the time left follows bytes, not file counts); problems are printed above it.
 */
export function barReporter(out: NodeJS.WritableStream, now: () => number = Date.now): UploadReporter {
  const multi = new cliProgress.MultiBar(
    {
      stream: out,
      // Short enough for an 80-column terminal: cli-progress cuts the line at the terminal's width.
      format: '{bar} {files}/{filesTotal} files | {done}/{bytesTotal} | {rate}/s | {left} left',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let files = 0;
  let filesTotal = 0;
  let done = 0;
  let total = 0;
  let started = now();
  const payload = () => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const rate = done / seconds;
    const left = rate > 0 ? Math.max(0, (total - done) / rate) : NaN;
    return { files, filesTotal, done: formatBytes(done), bytesTotal: formatBytes(total), rate: formatBytes(rate), left: Number.isFinite(left) ? `${left.toFixed(0)} s` : '?' };
  };
  return {
    start(nFiles, nBytes) {
      filesTotal = nFiles;
      total = nBytes;
      started = now();
      bar = multi.create(Math.max(1, nBytes), 0, payload());
    },
    bytes(n) {
      done += n;
      bar?.update(Math.max(0, done), payload());
    },
    result(r) {
      files++;
      if (r.status === 'failed' || r.status === 'skipped' || r.album?.error) multi.log(problemLine(r));
      bar?.update(Math.max(0, done), payload());
    },
    stop() {
      bar?.update(Math.max(0, done), payload());
      multi.stop();
    },
  };
}
