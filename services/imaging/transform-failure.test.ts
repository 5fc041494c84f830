import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { runSteps } from './run-steps.js';
import { classifyFailure, failureKind, TransformError } from './transform-failure.js';

describe('classifyFailure', () => {
  // The origin's table (render-failure.test.ts before the two classifiers became one): timeouts.
  it.each([
    ['timeout: 54% complete\nVipsImage: killed for image "temp-50"', 1_020, true],
    ['VipsImage: killed for image "temp-59"', 400, true],
    // Another render took the timeout text out of the shared buffer: the clock still tells.
    ['vips2png: unable to write to target target', 1_060, true],
    ['vips2png: unable to write to target target', 200, false],
    ['Input buffer contains unsupported image format', 5, false],
  ])('%j after %i ms with a 1 s limit → timeout %s', (message, elapsed, expected) => {
    expect(classifyFailure(message, elapsed, 1) === 'timeout').toBe(expected);
  });

  // The whole table, with the resizer's decode words: what is retried and what fails at once.
  it.each([
    ['timeout: 54% complete', 10, 'timeout'],
    // "killed" is only ever the timeout; the resizer's old classifier read "Vips" in it as undecodable.
    ['VipsImage: killed for image "temp-59"', 10, 'timeout'],
    ['vips2png: unable to write to target target', 10, 'undecodable'],
    ['vips2png: unable to write to target target', 5_000, 'timeout'],
    ['Input buffer contains unsupported image format', 10, 'undecodable'],
    ['Input buffer has corrupt header: VipsJpeg: Premature end of JPEG file', 10, 'undecodable'],
    ['VipsJpeg: Premature end of input file', 10, 'undecodable'],
    ['Input file is missing: /tmp/x', 10, 'undecodable'],
    ['Input image exceeds pixel limit', 10, 'undecodable'],
    ['pngload_buffer: libspng read error', 10, 'undecodable'],
    ['Warning treated as error: IDAT: CRC error', 10, 'undecodable'],
    ['gifload_buffer: no frames in GIF', 10, 'undecodable'],
    ['tiff2vips: bad seek', 10, 'undecodable'],
    ['heif: Invalid input: No ftyp box', 10, 'undecodable'],
    ['Unknown error', 10, 'unknown'],
    ['ENOMEM', 10, 'unknown'],
  ])('%j after %i ms with a 1 s limit → %s', (message, elapsed, kind) => {
    expect(classifyFailure(message, elapsed, 1)).toBe(kind);
  });

  it('reads a failure outside any step by its text alone', () => {
    expect(failureKind(new Error('Input buffer has corrupt header: no dimensions'))).toBe('undecodable');
    expect(failureKind(new Error('socket hang up'))).toBe('unknown');
    expect(failureKind(new TransformError('whatever', 'timeout', 'render', { cause: undefined }))).toBe('timeout');
  });
});

describe('runSteps', () => {
  const step = (name: string, run: () => Promise<void>) => ({ name, run });

  it('runs the steps in order and stops between them once the signal aborts', async () => {
    const ran: string[] = [];
    const controller = new AbortController();
    const steps = [
      step('a', async () => void ran.push('a')),
      step('b', async () => {
        ran.push('b');
        controller.abort(new AppError(499, 'client_closed', 'gone'));
      }),
      step('c', async () => void ran.push('c')),
    ];
    await expect(runSteps(steps, { signal: controller.signal, timeoutSeconds: 1 })).rejects.toMatchObject({ code: 'client_closed' });
    expect(ran).toEqual(['a', 'b']);
  });

  it('names a failure by its step and class, keeping the decoder message', async () => {
    const failing = [step('render w50-q85.webp', async () => Promise.reject(new Error('VipsJpeg: Premature end of input file')))];
    const err = await runSteps(failing, { timeoutSeconds: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransformError);
    expect(err).toMatchObject({ kind: 'undecodable', step: 'render w50-q85.webp', message: 'VipsJpeg: Premature end of input file' });
  });

  it("times a failure by its own step's clock, not the whole transform's", async () => {
    // Lower bounds only: a sleep never ends early, and a failure thrown at once is far under 0.2 s.
    const slow = step('slow', () => new Promise((r) => setTimeout(r, 250)));
    const fast = step('fast', async () => Promise.reject(new Error('vips2png: unable to write to target target')));
    const late = step('late', async () => {
      await new Promise((r) => setTimeout(r, 250));
      throw new Error('vips2png: unable to write to target target');
    });
    await expect(runSteps([slow, fast], { timeoutSeconds: 0.2 })).rejects.toMatchObject({ kind: 'undecodable', step: 'fast' });
    await expect(runSteps([late], { timeoutSeconds: 0.2 })).rejects.toMatchObject({ kind: 'timeout', step: 'late' });
  });

  it('passes the service\'s own errors through', async () => {
    const over = new AppError(503, 'over_memory_budget', 'too large');
    await expect(runSteps([step('a', async () => Promise.reject(over))], { timeoutSeconds: 1 })).rejects.toBe(over);
  });
});
