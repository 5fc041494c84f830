import { describe, expect, it } from 'vitest';
import { exifDate, exifFacts } from './exif-facts.js';

describe('exifDate', () => {
  it.each([
    ['2019:11:09 10:59:36', undefined, '2019-11-09T10:59:36.000Z'],
    ['2019:11:09 10:59:36', '+01:00', '2019-11-09T09:59:36.000Z'],
    ['2019:11:09 10:59:36', '-05:30', '2019-11-09T16:29:36.000Z'],
    ['2019:02:30 10:00:00', undefined, undefined],
    ['0000:00:00 00:00:00', undefined, undefined],
    ['    :  :     :  :  ', undefined, undefined],
    [42, undefined, undefined],
    ['2019-11-09T10:59:36', undefined, undefined],
  ])('%s %s → %s', (value, offset, expected) => {
    expect(exifDate(value, offset)).toBe(expected);
  });
});

describe('exifFacts', () => {
  it('prefers DateTimeOriginal, falls back to CreateDate, and keeps a sane position', () => {
    expect(exifFacts({ DateTimeOriginal: '2014:04:29 14:25:26', CreateDate: '2000:01:01 00:00:00', latitude: 56.15599508333333, longitude: 10.208204783333333 })).toEqual({
      takenAt: '2014-04-29T14:25:26.000Z',
      location: { lat: 56.155995, lon: 10.208205 },
    });
    expect(exifFacts({ CreateDate: '2000:01:01 00:00:00' })).toEqual({ takenAt: '2000-01-01T00:00:00.000Z' });
  });

  it('drops positions that are no fix or out of range', () => {
    expect(exifFacts({ latitude: 0, longitude: 0 })).toEqual({});
    expect(exifFacts({ latitude: 91, longitude: 10 })).toEqual({});
    expect(exifFacts({ latitude: Number.NaN, longitude: 10 })).toEqual({});
    expect(exifFacts(undefined)).toEqual({});
  });
});
