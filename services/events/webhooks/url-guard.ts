import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { badRequest } from '../../core/errors.js';
import type { WebhookAllowLevel } from '../../core/webhook-settings.js';
import { classifyAddress, isAllowed } from './address-class.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type UrlProblem = { code: string; message: string };

/** The static checks of a webhook URL (scheme, length, no credentials); undefined when it passes. */
export function urlShapeProblem(text: string): UrlProblem | undefined {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return { code: 'webhook_url_too_long', message: `expected a URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters but received ${text.length}` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { code: 'invalid_webhook_url', message: `expected an absolute http:// or https:// URL but received ${JSON.stringify(text.slice(0, 100))}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { code: 'invalid_webhook_url', message: `expected an http:// or https:// URL but received the scheme ${url.protocol}` };
  if (url.username || url.password) return { code: 'invalid_webhook_url', message: 'expected a URL without user:password (put a secret in the path or verify the signature)' };
  if (!url.hostname) return { code: 'invalid_webhook_url', message: 'expected a URL with a host' };
  return undefined;
}

/** The URL's host as an address or name, without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function refused(host: string, address: string, level: WebhookAllowLevel): UrlProblem {
  const cls = classifyAddress(address);
  const where = host === address ? address : `${host} (${address})`;
  return {
    code: 'webhook_address_forbidden',
    message: `${where} is a ${cls} address; webhooks go to public addresses only${level === 'all' ? '' : ' unless IMGSVC_WEBHOOK_ALLOW_PRIVATE allows it'}`,
  };
}

/** Resolves a host (or takes the literal) and returns every address, or why it cannot be used. */
export async function resolveAllowed(hostOrLiteral: string, level: WebhookAllowLevel): Promise<{ addresses: { address: string; family: number }[] } | UrlProblem> {
  // A bracketed IPv6 literal is still a literal, never a name to resolve.
  const host = hostOrLiteral.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch {
      return { code: 'webhook_url_unresolvable', message: `the host ${host} does not resolve` };
    }
  }
  // Every address must pass: a name that also resolves to an internal address could be steered there.
  for (const a of addresses) if (!isAllowed(classifyAddress(a.address), level)) return refused(host, a.address, level);
  if (addresses.length === 0) return { code: 'webhook_url_unresolvable', message: `the host ${host} does not resolve` };
  return { addresses };
}

/** At registration: a 400 naming the problem, or nothing. */
export async function assertWebhookUrl(text: string, level: WebhookAllowLevel): Promise<void> {
  const shape = urlShapeProblem(text);
  if (shape) throw badRequest(shape.code, shape.message);
  const checked = await resolveAllowed(hostOf(new URL(text)), level);
  if ('code' in checked) throw badRequest(checked.code, checked.message);
}

export class ForbiddenAddressError extends Error {
  constructor(readonly problem: UrlProblem) {
    super(problem.message);
    this.name = 'ForbiddenAddressError';
  }
}

/**
 * A `lookup` for node:http that resolves, checks every address and hands the socket one of the
 * checked ones: the connection goes to the address that was checked, so a name that resolves
 * to a public address for the check and to an internal one a moment later (DNS rebinding)
 * cannot reach the internal one.
 */
export function pinnedLookup(level: WebhookAllowLevel): LookupFunction {
  return (hostname, options, callback) => {
    void resolveAllowed(hostname.replace(/^\[(.*)\]$/, '$1'), level).then(
      (checked) => {
        if ('code' in checked) return callback(new ForbiddenAddressError(checked), '', 0);
        const wanted = typeof options === 'object' && options.family ? Number(options.family === 'IPv6' ? 6 : options.family === 'IPv4' ? 4 : options.family) : 0;
        const pick = checked.addresses.filter((a) => !wanted || a.family === wanted);
        if (typeof options === 'object' && options.all) return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, pick);
        const first = pick[0] ?? checked.addresses[0]!;
        callback(null, first.address, first.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}
