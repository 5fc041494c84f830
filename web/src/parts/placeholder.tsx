import { useEffect, useRef } from 'preact/hooks';
import { thumbHashToRGBA } from 'thumbhash';

/**
 * The ThumbHash placeholder, drawn into a canvas behind the image: no data: URL (the CSP allows
 * images from this origin and blob: only) and no work for the network.
 */
export function Placeholder({ hash }: { hash: string | undefined }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !hash) return;
    try {
      const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
      const { w, h, rgba } = thumbHashToRGBA(bytes);
      canvas.width = w;
      canvas.height = h;
      canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(rgba), w, h), 0, 0);
    } catch {
      // A malformed hash leaves the neutral background.
    }
  }, [hash]);
  return <canvas ref={ref} class="placeholder" aria-hidden="true" width={1} height={1} />;
}
