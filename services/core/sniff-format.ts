import { isSupportedFormat, type SupportedFormat } from './image-formats.js';

/**
 * Names the container format from the first bytes of a file. Pure, so the accept/reject
 * decision (415 for what is not an image or not supported, 422 for what is broken) does not
 * depend on how a decoder words its errors.
 */
export type Sniffed =
  | { kind: 'supported'; format: SupportedFormat }
  | { kind: 'unsupported'; format: string; reason: string }
  | { kind: 'unknown' };

/** How many leading bytes `sniffFormat` needs to see. */
export const SNIFF_BYTES = 64;

const ascii = (buf: Uint8Array, start: number, end: number) => Buffer.from(buf.subarray(start, end)).toString('latin1');
const startsWith = (buf: Uint8Array, bytes: number[], offset = 0) => bytes.every((b, i) => buf[offset + i] === b);

export function sniffFormat(head: Uint8Array): Sniffed {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return supported('jpeg');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return supported('png');
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return supported('gif');
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return supported('webp');
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return supported('tiff');
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return supported('tiff');
  const isobmff = sniffIsoBmff(head);
  if (isobmff) return isobmff;
  if (ascii(head, 0, 2) === 'BM') return unsupported('bmp', 'BMP is not supported; convert it to PNG');
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00])) return unsupported('ico', 'ICO is not supported; convert it to PNG');
  if (ascii(head, 0, 4) === '8BPS') return unsupported('psd', 'PSD is not supported; export it as PNG or JPEG');
  if (ascii(head, 0, 5) === '%PDF-') return unsupported('pdf', 'PDF is not an image format this service accepts');
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) {
    return unsupported('jxl', 'JPEG XL is not supported yet; upload JPEG, PNG, WebP or AVIF');
  }
  if (startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) {
    return unsupported('jp2', 'JPEG 2000 is not supported; upload JPEG, PNG, WebP or AVIF');
  }
  if (looksLikeSvg(head)) {
    return unsupported('svg', 'SVG is not accepted: vector images can carry scripts; upload a raster image');
  }
  return { kind: 'unknown' };
}

function supported(format: string): Sniffed {
  if (!isSupportedFormat(format)) throw new Error(`sniffer names ${format}, which is not in SUPPORTED_FORMATS`);
  return { kind: 'supported', format };
}

function unsupported(format: string, reason: string): Sniffed {
  return { kind: 'unsupported', format, reason };
}

/** AVIF and HEIC share the ISO base media file format: an `ftyp` box with a brand list. */
function sniffIsoBmff(head: Uint8Array): Sniffed | undefined {
  if (ascii(head, 4, 8) !== 'ftyp') return undefined;
  const boxSize = Buffer.from(head.subarray(0, 4)).readUInt32BE(0);
  const end = Math.min(boxSize, head.length);
  const brands = [ascii(head, 8, 12)];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(head, i, i + 4));
  if (brands.includes('avif') || brands.includes('avis')) return supported('avif');
  if (brands.some((b) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(b))) {
    return unsupported('heic', 'HEIC is not supported; upload JPEG or AVIF (iPhones can export "Most Compatible")');
  }
  return undefined;
}

function looksLikeSvg(head: Uint8Array): boolean {
  const text = ascii(head, 0, head.length).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return text.startsWith('<svg') || ((text.startsWith('<?xml') || text.startsWith('<!doctype svg')) && text.includes('svg'));
}
