import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { payloadTooLarge } from '../core/errors.js';

/**
 * Passes bytes through while computing their SHA-256 and counting them; fails the stream the
 * moment the count crosses `maxBytes`, so an oversized body is stopped, not read to its end.
 */
export class HashingLimiter extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  /** The first bytes, kept for format sniffing without reading the file again. */
  head: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly headBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(payloadTooLarge(`the image is larger than the limit of ${this.maxBytes} bytes`, {
        details: { limitBytes: this.maxBytes },
      }));
      return;
    }
    if (this.head.length < this.headBytes) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, this.headBytes - this.head.length)]);
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digestHex(): string {
    return this.hash.digest('hex');
  }
}
