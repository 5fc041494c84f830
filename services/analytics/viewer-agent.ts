import { createHash } from 'node:crypto';

/** Longer User-Agents are kept as a digest while they wait for the flush. */
const MAX_KEPT_LENGTH = 512;

/**
 * The User-Agent as the recorder keeps it until the next flush, where it only feeds the
 * viewer hash. Real ones are a few hundred characters; an attacker's can be 16 KB, and the
 * buffer holds up to 200,000 events while Redis is down, which would be gigabytes of header
 * text. A digest keeps long ones distinct (two different long agents stay two viewers) in
 * 64 characters.
 */
export function keptUserAgent(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined || userAgent.length <= MAX_KEPT_LENGTH) return userAgent;
  return `sha256:${createHash('sha256').update(userAgent).digest('hex')}`;
}
