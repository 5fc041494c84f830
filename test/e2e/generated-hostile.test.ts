import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBytes, type UploadReply } from '../helpers/http.js';
import { listStored, startTestService, type TestService } from '../helpers/service.js';

/** Limits small enough that the generated files stay small and quick to make. */
const MAX_FRAMES = 100;
const MAX_ANIMATION_PIXELS = 1_000_000;

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_MAX_FRAMES: String(MAX_FRAMES), IMGSVC_MAX_ANIMATION_PIXELS: String(MAX_ANIMATION_PIXELS) });
});
afterAll(async () => {
  await t.stop();
});

/** The one place these tests upload, so a change to how uploads authenticate is made here only. */
function upload(bytes: Buffer): Promise<UploadReply> {
  return uploadBytes(t.url, bytes);
}

/** An animated GIF of `frames` distinct frames (identical ones would be merged by the encoder). */
async function animatedGif(frames: number, size: number): Promise<Buffer> {
  const frameBytes = size * size * 3;
  const raw = Buffer.alloc(frameBytes * frames);
  for (let f = 0; f < frames; f++) raw.fill((f * 37) & 255, f * frameBytes, f * frameBytes + ((f % size) + 1) * size * 3);
  return sharp(raw, { raw: { width: size, height: size * frames, channels: 3, pageHeight: size }, limitInputPixels: false }).gif({ delay: 20 }).toBuffer();
}

describe('animation limits at upload', () => {
  it('refuses more frames than IMGSVC_MAX_FRAMES with a 422 naming the limit, storing nothing', async () => {
    const gif = await animatedGif(MAX_FRAMES + 50, 16);
    const before = await listStored(t);
    const reply = await upload(gif);
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toMatch(/application\/json/);
    expect(reply.body.error).toMatchObject({ status: 422, code: 'too_many_frames', details: { frames: MAX_FRAMES + 50, limitFrames: MAX_FRAMES } });
    expect((reply.body.error as { message: string }).message).toMatch(/150 frames, over the limit of 100 frames/);
    expect(await listStored(t)).toEqual(before);
  });

  it('refuses frames × pixels over IMGSVC_MAX_ANIMATION_PIXELS', async () => {
    const gif = await animatedGif(20, 256); // 1,310,720 pixels of animation
    const reply = await upload(gif);
    expect(reply.status).toBe(422);
    expect(reply.body.error).toMatchObject({ code: 'animation_too_large', details: { frames: 20, animationPixels: 20 * 256 * 256, limitAnimationPixels: MAX_ANIMATION_PIXELS } });
  });

  it('accepts an animation within both limits', async () => {
    const reply = await upload(await animatedGif(MAX_FRAMES, 16));
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body).toMatchObject({ format: 'gif', width: 16, height: 16 });
  });
});

describe('truncated JPEG at upload', () => {
  it('refuses a JPEG whose scan data stops long before its 10000x10000 header says, even with an EOI marker', async () => {
    const full = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#66aa88' } }).jpeg({ quality: 80 }).toBuffer();
    const truncated = Buffer.concat([full.subarray(0, 50_000), Buffer.from([0xff, 0xd9])]);
    const before = await listStored(t);
    const reply = await upload(truncated);
    expect(reply.status, JSON.stringify(reply.body)).toBe(422);
    expect(reply.body.error).toMatchObject({ status: 422, code: 'corrupt_image' });
    expect(JSON.stringify(reply.body.error)).toMatch(/premature end/);
    expect(await listStored(t)).toEqual(before);

    // The same image whole is fine.
    expect((await upload(full)).status).toBe(201);
  });

  it('refuses the same cut without an EOI marker', async () => {
    const full = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#8866aa' } }).jpeg({ quality: 80 }).toBuffer();
    const reply = await upload(full.subarray(0, Math.floor(full.length / 4)));
    expect(reply.status).toBe(422);
    expect(reply.body.error).toMatchObject({ code: 'corrupt_image' });
  });
});
