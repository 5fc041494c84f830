import { useCallback } from 'preact/hooks';
import { qs } from '../api.js';
import { ImageGrid } from '../parts/image-grid.js';

export function Favorites() {
  const source = useCallback((cursor: string | null) => `/v1/me/favorites${qs({ limit: 100, after: cursor })}`, []);
  return (
    <>
      <h1>Favorites</h1>
      <ImageGrid source={source} label="Favorites" empty="No favorites yet: use ☆ on a photo." />
    </>
  );
}
