import { type SentResponse } from './http-send.js';
import { DEFAULT_RETRY, retryDelay } from './retry-policy.js';
import type { UploadTarget } from './upload-types.js';

/** One request tried again while the answer says "later" (429, 503) or the network dropped it. */
export async function withRetry(target: UploadTarget, attempt: () => Promise<SentResponse>): Promise<SentResponse> {
  const sleep = target.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let n = 1; ; n++) {
    let res: SentResponse | undefined;
    let failure: unknown;
    try {
      res = await attempt();
    } catch (err) {
      // A file that cannot be read is not going to get better by waiting.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw err;
      failure = err;
    }
    const delay = retryDelay(res ? { status: res.status, retryAfter: header(res, 'retry-after') } : { networkError: true }, n, target.retry ?? DEFAULT_RETRY, Date.now(), Math.random());
    if (delay === undefined) {
      if (res) return res;
      throw failure;
    }
    await sleep(delay);
  }
}

function header(res: SentResponse, name: string): string | null {
  const v = res.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}
