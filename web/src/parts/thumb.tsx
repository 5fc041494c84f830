import type { Image } from '../api.js';
import { GRID_SIZES, thumbSources, titleOf } from '../images.js';
import { Placeholder } from './placeholder.js';

/** One grid cell: a link to the photo page around the 50 px thumbnail over its placeholder. */
export function Thumb({ image, href }: { image: Image; href?: string }) {
  const { src, srcset } = thumbSources(image);
  const label = titleOf(image);
  return (
    <a class="cell" href={href ?? `/app/photos/${image.id}`} title={label}>
      <Placeholder hash={image.placeholder} />
      {image.status === 'ready' ? (
        <img src={src} srcset={srcset} sizes={srcset ? GRID_SIZES : undefined} width={50} height={50} loading="lazy" decoding="async" alt={label} onLoad={(e) => (e.currentTarget as HTMLImageElement).classList.add('loaded')} />
      ) : (
        <span class="cell-status">{image.status === 'failed' ? 'Failed' : 'Processing'}<span class="visually-hidden">: {label}</span></span>
      )}
      {image.visibility === 'private' ? <span class="badge-private" aria-label="private">🔒</span> : null}
    </a>
  );
}
