import { authHeaders } from './auth.js';

/** Polls an image record until its status is one of `statuses`. */
export async function waitForStatus(
  baseUrl: string,
  id: string,
  statuses: string[] = ['ready', 'failed'],
  // Most of a test's two minutes: on a loaded 2-core machine one resize has waited over 60 s for
  // a core (a clean-clone run beside five builds, load average 21).
  timeoutMs = 100_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/v1/images/${id}`, { headers: authHeaders(baseUrl) });
    if (res.ok) {
      last = (await res.json()) as Record<string, unknown>;
      if (statuses.includes(String(last.status))) return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`image ${id} did not reach ${statuses.join('|')} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}
