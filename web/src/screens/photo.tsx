import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, messageOf, type Image, type User } from '../api.js';
import { neighbours } from '../browse-context.js';
import { DISPLAY_SIZES, displaySources, formatBytes, formatDate, titleOf } from '../images.js';
import { Placeholder } from '../parts/placeholder.js';
import { navigate } from '../router.js';
import { Comments } from './photo-comments.js';
import { PhotoEditor } from './photo-editor.js';
import { PhotoOwnerTools } from './photo-owner-tools.js';
import { NotFound } from './not-found.js';

/**
 * One photo: the display size chosen by the browser from `srcset`/`sizes`, and on demand the
 * original at full resolution (one at a time: the service streams one full-resolution download
 * per person, and this page shows only the current photo's). Previous/next walk the grid the
 * person came from (also with the arrow keys).
 */
export function PhotoPage({ id, user }: { id: string; user: User | null }) {
  const [image, setImage] = useState<Image | null | undefined>();
  const [error, setError] = useState('');
  const [full, setFull] = useState(false);
  useEffect(() => {
    setImage(undefined);
    setFull(false);
    setError('');
    api<Image>('GET', `/v1/images/${encodeURIComponent(id)}`).then(setImage, (err) => {
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) setImage(null);
      else setError(messageOf(err));
    });
  }, [id, user]);
  const { prev, next } = neighbours(id);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as Element).closest('input, textarea, select')) return;
      if (e.key === 'ArrowLeft' && prev) navigate(`/app/photos/${prev}`);
      if (e.key === 'ArrowRight' && next) navigate(`/app/photos/${next}`);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [prev, next]);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (image === null) return <NotFound what="photo" />;
  if (!image) return <p role="status">Loading…</p>;
  const mine = !!user && (user.id === image.ownerId || user.role === 'admin');
  const canOriginal = mine || image.allowOriginalDownload === true;
  const { src, srcset } = displaySources(image);
  const title = titleOf(image);
  return (
    <article class="photo" aria-labelledby="photo-title">
      <div class="photo-nav">
        {prev ? <a href={`/app/photos/${prev}`} rel="prev">← Previous</a> : <span />}
        {next ? <a href={`/app/photos/${next}`} rel="next">Next →</a> : <span />}
      </div>
      <figure class="stage">
        {full ? (
          <div class="full" tabIndex={0} aria-label="Full resolution, scroll to pan">
            <img src={`/v1/images/${image.id}/original`} width={image.width} height={image.height} alt={`${title}, full resolution`} data-testid="full-resolution" />
          </div>
        ) : (
          <div class="display">
            <Placeholder hash={image.placeholder} />
            <img src={src} srcset={srcset} sizes={DISPLAY_SIZES} width={image.width} height={image.height} alt={title} decoding="async" />
          </div>
        )}
        <figcaption>
          {canOriginal ? (
            <button type="button" onClick={() => setFull(!full)} aria-pressed={full}>
              {full ? 'Back to the fitted view' : `Full resolution (${image.width} × ${image.height}, ${formatBytes(image.bytes)})`}
            </button>
          ) : (
            <span class="muted">{image.width} × {image.height}</span>
          )}
        </figcaption>
      </figure>
      <div class="photo-side">
        <h1 id="photo-title">{title}</h1>
        {image.description ? <p class="description">{image.description}</p> : null}
        <dl class="facts">
          {image.takenAt ? (<><dt>Taken</dt><dd>{formatDate(image.takenAt)}</dd></>) : null}
          {image.location ? (<><dt>Place</dt><dd>{image.location.place ?? `${image.location.lat.toFixed(4)}, ${image.location.lon.toFixed(4)}`}</dd></>) : null}
          <dt>Uploaded</dt><dd>{formatDate(image.createdAt)}</dd>
          <dt>Visibility</dt><dd data-testid="visibility">{image.visibility}</dd>
          {image.tags.length ? (<><dt>Tags</dt><dd>{image.tags.map((t) => <span key={t} class="tag">{t}</span>)}</dd></>) : null}
        </dl>
        {user ? <Favorite image={image} onChange={setImage} /> : null}
        {mine ? <PhotoEditor image={image} onSaved={setImage} /> : null}
        {mine ? <PhotoOwnerTools image={image} onChange={setImage} /> : null}
        <Comments image={image} user={user} mine={mine} onToggle={setImage} />
      </div>
    </article>
  );
}

function Favorite({ image, onChange }: { image: Image; onChange: (i: Image) => void }) {
  const on = image.favorited === true;
  const toggle = async () => {
    if (on) await api('DELETE', `/v1/images/${image.id}/favorite`);
    else await api('PUT', `/v1/images/${image.id}/favorite`);
    onChange({ ...image, favorited: !on, favoriteCount: Math.max(0, (image.favoriteCount ?? 0) + (on ? -1 : 1)) });
  };
  return (
    <button type="button" class="favorite" aria-pressed={on} onClick={() => void toggle()}>
      {on ? '★ Favorite' : '☆ Add to favorites'}
      {image.favoriteCount ? ` (${image.favoriteCount})` : ''}
    </button>
  );
}
