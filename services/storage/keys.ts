/** Object keys, derived from content hashes and ids only (see DESIGN.md, "Storage layout"). */
export const originalKey = (sha256: string): string => `originals/${sha256.slice(0, 2)}/${sha256}`;

export const manifestKey = (imageId: string): string => `manifests/${imageId}.json`;

export const variantKey = (sha256: string, variant: string, ext: string): string =>
  `variants/${sha256.slice(0, 2)}/${sha256}/${variant}.${ext}`;

export const MANIFEST_PREFIX = 'manifests/';
