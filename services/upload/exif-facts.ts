/**
 * Facts from a photo's EXIF that the service keeps: when it was taken and where. Pure, so the
 * reading of dates and positions is a table of cases; the I/O is in read-exif.ts.
 */
export interface ExifFacts {
  takenAt?: string;
  location?: { lat: number; lon: number };
}

/** The tags read (exifr names), raw (`reviveValues: false`): dates as the camera wrote them. */
export interface RawExif {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * `2019:11:09 10:59:36` with `OffsetTimeOriginal` `+01:00` is an instant. Without an offset
 * (most cameras before 2016) the wall-clock time is kept as if it were UTC: the hour the
 * photographer saw, which is what a timeline sorts and shows.
 */
export function exifDate(value: unknown, offset: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = EXIF_DATE.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y < 1826 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let ms = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59));
  const o = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  if (o) ms -= (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000;
  const date = new Date(ms);
  // A day that does not exist (Feb 30) rolls over in Date.UTC: refuse it rather than shift it.
  if (date.getUTCDate() !== d && !o) return undefined;
  return Number.isNaN(ms) ? undefined : date.toISOString();
}

export function exifFacts(raw: RawExif | undefined): ExifFacts {
  if (!raw) return {};
  const out: ExifFacts = {};
  const takenAt = exifDate(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ?? exifDate(raw.CreateDate, raw.OffsetTimeOriginal);
  if (takenAt) out.takenAt = takenAt;
  const { latitude: lat, longitude: lon } = raw;
  // 0,0 is what a GPS without a fix writes far more often than a photo taken in the Gulf of Guinea.
  if (typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && (lat !== 0 || lon !== 0)) {
    out.location = { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
  }
  return out;
}
