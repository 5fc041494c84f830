import { HEADER_MEMO_MAX_KEY_LENGTH, headerMemo } from './header-memo.js';

/**
 * Device class from a User-Agent, for requests without Client Hints. A small table instead of
 * a UA parser: only four classes matter here, and the parsers that know more are either AGPL
 * (ua-parser-js 2) or heavy. Order matters: bots first, tablets before phones (iPad, Android
 * without "Mobile").
 */
export type DeviceClass = 'bot' | 'tablet' | 'phone' | 'desktop';

const BOT = /bot|crawler|spider|crawling|slurp|facebookexternalhit|embedly|quora link preview|whatsapp|telegrambot|preview|curl|wget|python-requests|go-http-client|headless/i;
const TABLET = /ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))/i;
const PHONE = /mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini/i;

/** The same few hundred User-Agent strings make most traffic: remember their class (short ones only). */
const classify = headerMemo(
  (userAgent: string): DeviceClass => (BOT.test(userAgent) ? 'bot' : TABLET.test(userAgent) ? 'tablet' : PHONE.test(userAgent) ? 'phone' : 'desktop'),
  { maxEntries: 10_000, maxKeyLength: HEADER_MEMO_MAX_KEY_LENGTH },
);

export function deviceClassOf(userAgent: string | undefined): DeviceClass {
  return userAgent ? classify(userAgent) : 'desktop';
}

/** What a device of each class shows full-bleed, when nothing better is known: CSS width × DPR. */
export const DEVICE_DEFAULTS: Readonly<Record<DeviceClass, { cssWidth: number; dpr: number }>> = {
  phone: { cssWidth: 412, dpr: 2 },
  tablet: { cssWidth: 820, dpr: 2 },
  desktop: { cssWidth: 1280, dpr: 1 },
  bot: { cssWidth: 1200, dpr: 1 },
};
