import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath } from '../../test/helpers/corpus.js';
import { SNIFF_BYTES, sniffFormat } from './sniff-format.js';

const head = (rel: string) => readFileSync(corpusPath(rel)).subarray(0, SNIFF_BYTES);

describe('sniffFormat', () => {
  it.each([
    ['photos/starfish.jpg', 'jpeg'],
    ['alpha/city.png', 'png'],
    ['formats/flower.gif', 'gif'],
    ['formats/wood-l.webp', 'webp'],
    ['formats/tux.lossless.webp', 'webp'],
    ['formats/sample.avif', 'avif'],
    ['formats/kodim02-lzw.tif', 'tiff'],
    ['color/video-001-16bit.tiff', 'tiff'],
  ])('names %s as supported %s', (file, format) => {
    expect(sniffFormat(head(file))).toEqual({ kind: 'supported', format });
  });

  it.each([
    ['formats/windows95.bmp', 'bmp'],
    ['hostile/cve-2015-4491.bmp', 'bmp'],
    ['formats/blobs-l.svg', 'svg'],
    ['hostile/515-pattern-billion-laughs.svg', 'svg'],
  ])('names %s as unsupported %s with a reason', (file, format) => {
    const sniffed = sniffFormat(head(file));
    expect(sniffed.kind).toBe('unsupported');
    expect(sniffed).toMatchObject({ format });
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['gzip (svgz)', head('hostile/515-too-many-elements.svgz')],
    ['text', Buffer.from('hello, world')],
    ['json', Buffer.from('{"a":1}')],
  ])('does not recognise %s', (_name, bytes) => {
    expect(sniffFormat(bytes)).toEqual({ kind: 'unknown' });
  });

  it('tells HEIC from AVIF by the ftyp brands', () => {
    const ftyp = (major: string, ...compatible: string[]) => {
      const size = 16 + compatible.length * 4;
      const box = Buffer.alloc(size);
      box.writeUInt32BE(size, 0);
      box.write('ftyp', 4, 'latin1');
      box.write(major, 8, 'latin1');
      compatible.forEach((b, i) => box.write(b, 16 + i * 4, 'latin1'));
      return box;
    };
    expect(sniffFormat(ftyp('heic', 'mif1', 'heic'))).toMatchObject({ kind: 'unsupported', format: 'heic' });
    expect(sniffFormat(ftyp('mif1', 'avif', 'mif1'))).toEqual({ kind: 'supported', format: 'avif' });
    expect(sniffFormat(ftyp('isom', 'mp41'))).toEqual({ kind: 'unknown' });
  });
});
