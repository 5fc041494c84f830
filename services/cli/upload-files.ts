import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/**
 * Extensions worth sending. Only a fast pre-filter so a folder of sidecar files (.xmp, .txt)
 * costs no request: the server sniffs the bytes and is the judge of what is an image.
 */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.avif', '.tif', '.tiff', '.heic', '.heif', '.bmp', '.svg', '.jxl']);

export function looksLikeImage(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** One path to upload, or a path that is reported without a request (missing, not an image). */
export type UploadCandidate =
  | { kind: 'file'; path: string; bytes: number }
  | { kind: 'skip'; path: string; reason: string }
  | { kind: 'error'; path: string; reason: string };

/**
 * Expands the arguments: files as given, folders recursively (sorted, dot-files left out),
 * so a rerun walks the same order. A path that cannot be read is reported, never thrown.
 */
export async function collectCandidates(paths: string[]): Promise<UploadCandidate[]> {
  const out: UploadCandidate[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      out.push({ kind: 'error', path, reason: describeFsError(err) });
      return;
    }
    if (info.isDirectory()) {
      let names: string[];
      try {
        names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort();
      } catch (err) {
        out.push({ kind: 'error', path, reason: describeFsError(err) });
        return;
      }
      for (const name of names) await visit(join(path, name), false);
      return;
    }
    if (!info.isFile()) {
      if (explicit) out.push({ kind: 'skip', path, reason: 'not a regular file' });
      return;
    }
    if (!looksLikeImage(path)) out.push({ kind: 'skip', path, reason: `not an image file name (${extname(path) || 'no extension'})` });
    else out.push({ kind: 'file', path, bytes: info.size });
  };
  for (const p of paths) await visit(p, true);
  return out;
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or folder';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message ?? String(err);
}
