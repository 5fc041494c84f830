/**
 * What the service accepts, by the format sniffed from the bytes (never from Content-Type or
 * a file name). `sharp` names the libvips loader the bytes must decode with; `webSafe` means
 * every current browser renders it in an <img> tag as it is.
 */
export interface FormatInfo {
  readonly name: SupportedFormat;
  readonly mime: string;
  readonly ext: string;
  readonly webSafe: boolean;
}

export type SupportedFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff';

export const SUPPORTED_FORMATS: Readonly<Record<SupportedFormat, FormatInfo>> = {
  jpeg: { name: 'jpeg', mime: 'image/jpeg', ext: 'jpg', webSafe: true },
  png: { name: 'png', mime: 'image/png', ext: 'png', webSafe: true },
  webp: { name: 'webp', mime: 'image/webp', ext: 'webp', webSafe: true },
  gif: { name: 'gif', mime: 'image/gif', ext: 'gif', webSafe: true },
  avif: { name: 'avif', mime: 'image/avif', ext: 'avif', webSafe: true },
  tiff: { name: 'tiff', mime: 'image/tiff', ext: 'tif', webSafe: false },
};

export function isSupportedFormat(name: string): name is SupportedFormat {
  return Object.hasOwn(SUPPORTED_FORMATS, name);
}

export function formatInfo(name: SupportedFormat): FormatInfo {
  return SUPPORTED_FORMATS[name];
}
