import { useRef, useState } from 'preact/hooks';
import { Upload } from 'tus-js-client';
import { csrfHeaders } from '../api.js';
import { formatBytes } from '../images.js';

interface Item {
  key: number;
  name: string;
  size: number;
  sent: number;
  state: 'uploading' | 'retrying' | 'done' | 'failed';
  message: string;
  /** Bytes the server already had when a retry picked the upload up again. */
  resumedAt: number | null;
  imageId?: string;
}

/** Parts of 512 KiB: a dropped connection loses at most one part, and progress moves on phones too. */
const CHUNK = 512 * 1024;
let counter = 0;

/**
 * Upload by drag and drop or the file picker, one tus upload per file (`/v1/uploads/`), each with
 * its own progress bar. A dropped connection is retried and resumes at the offset the server has
 * (a HEAD), never from the start; the list says when that happened.
 */
export function UploadPanel({ onUploaded, visibility }: { onUploaded: () => void; visibility: 'public' | 'private' }) {
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const update = (key: number, change: Partial<Item>) => setItems((prev) => prev.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const start = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = ++counter;
      setItems((prev) => [...prev, { key, name: file.name, size: file.size, sent: 0, state: 'uploading', message: 'Starting', resumedAt: null }]);
      let retried = false;
      const upload = new Upload(file, {
        endpoint: '/v1/uploads/',
        chunkSize: CHUNK,
        retryDelays: [0, 500, 1000, 2000, 4000, 8000],
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, filetype: file.type, visibility },
        onBeforeRequest: (req) => {
          for (const [name, value] of Object.entries(csrfHeaders())) req.setHeader(name, value);
        },
        onAfterResponse: (req, res) => {
          const id = res.getHeader('Imgsvc-Image-Id');
          if (id) update(key, { imageId: id });
          // The first answer after a retry is the HEAD that says how much the server kept.
          if (retried && req.getMethod() === 'HEAD') {
            retried = false;
            update(key, { resumedAt: Number(res.getHeader('Upload-Offset') ?? 0), state: 'uploading', message: 'Resumed' });
          }
        },
        onShouldRetry: (err, attempt) => {
          const status = err.originalResponse?.getStatus() ?? 0;
          const retry = status === 0 || status === 409 || status === 423 || status >= 500;
          if (retry) {
            retried = true;
            update(key, { state: 'retrying', message: `Connection lost, resuming (attempt ${attempt + 1})` });
          }
          return retry;
        },
        onProgress: (sent) => update(key, { sent, message: 'Uploading' }),
        onError: (err) => update(key, { state: 'failed', message: err.message.split('\n')[0] ?? 'failed' }),
        onSuccess: () => {
          update(key, { state: 'done', sent: file.size, message: 'Uploaded' });
          onUploaded();
        },
      });
      upload.start();
    }
  };

  const pick = () => input.current?.click();
  return (
    <section class="upload" aria-label="Upload photos">
      <div
        class={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer?.files.length) start(e.dataTransfer.files);
        }}
      >
        <p>Drop photos here, or</p>
        <button type="button" onClick={pick}>
          Choose photos…
        </button>
        <input
          ref={input}
          type="file"
          accept="image/*"
          multiple
          class="visually-hidden"
          tabIndex={-1}
          aria-label="Photos to upload"
          data-testid="file-input"
          onChange={(e) => {
            const files = (e.currentTarget as HTMLInputElement).files;
            if (files?.length) start(Array.from(files));
            (e.currentTarget as HTMLInputElement).value = '';
          }}
        />
      </div>
      {items.length ? (
        <ul class="uploads" aria-label="Uploads">
          {items.map((i) => (
            <li key={i.key} class={`upload-item ${i.state}`} data-state={i.state} data-resumed-at={i.resumedAt ?? undefined}>
              <span class="upload-name">{i.name}</span>
              <progress max={i.size} value={i.sent} aria-label={`Upload of ${i.name}`} />
              <span class="upload-figure" aria-live="polite">
                {i.size ? Math.floor((i.sent / i.size) * 100) : 100}% of {formatBytes(i.size)} · {i.message}
                {i.resumedAt !== null ? ` (resumed at ${formatBytes(i.resumedAt)})` : ''}
              </span>
              {i.imageId ? <a href={`/app/photos/${i.imageId}`}>Open</a> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
