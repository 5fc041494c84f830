import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { DESKTOP, launchChromium, PHONE, seriousA11yViolations, until } from '../helpers/browser.js';
import { corpusPath } from '../helpers/corpus.js';
import { ROOT } from '../helpers/repo-root.js';
import { redisKeys, shardOf } from '../../services/redis/keys.js';
import { RESIZE_GROUP } from '../../services/resizer/job-queue.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * The web app in a real Chromium against the real service (real Redis, real storage): three
 * people at once — the owner, a viewer the owner grants by handle, and someone anonymous.
 * Screenshots of the grid and the photo page at a phone and a desktop go to docs/screenshots/.
 */
const PHOTOS = ['ColorfulCups-2560x1600.jpg', 'Kite-2560x1600.jpg', 'Wood.jpg', 'starfish.jpg', 'flower.png.im_q85_444.jpg'].map((n) => corpusPath(`photos/${n}`));
const PASSWORD = 'correct horse battery staple';
/** docs/screenshots/ when asked (UPDATE_SCREENSHOTS=1, to refresh the checked-in ones), else a scratch folder, so a test run leaves the tree clean. */
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : mkdtempSync(join(tmpdir(), 'imgsvc-webapp-shots-'));
const GRID_IMAGE_MAX_BYTES = 10 * 1024;
/** The photo page's image has loaded and is decoded (so a screenshot shows it, not the placeholder). */
const SHOWN = "(() => { const i = document.querySelector('.display img'); return !!i && i.complete && i.naturalWidth > 0 && i.decode().then(() => true); })()";

let t: TestService;
let browser: Browser;
let alice: TestUser;
let bob: TestUser;
const contexts: Record<'owner' | 'viewer' | 'anonymous' | 'phone', BrowserContext> = {} as never;
const pages: Record<'owner' | 'viewer' | 'anonymous', Page> = {} as never;
/** CSP reports and page errors from every page: none expected. */
const problems: string[] = [];
const offOrigin: string[] = [];
let imageIds: string[] = [];
let privateId = '';

function watch(page: Page): Page {
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(t.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) offOrigin.push(r.url());
  });
  return page;
}

async function passwordFor(user: TestUser): Promise<string> {
  const link = await api(t.url, 'POST', `/v1/users/${user.id}/password-link`, t.adminKey);
  expect(link.status).toBe(201);
  return new URL(String(link.body.url)).hash;
}

async function signIn(page: Page, handle: string): Promise<void> {
  await page.goto(`${t.url}/app/sign-in`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your photos' }).waitFor();
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  expect(violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The owner signed in on a phone (the desktop session's cookies), made once: a test that needs it does not depend on an earlier one having passed. */
async function ownerOnPhone(): Promise<BrowserContext> {
  contexts.phone ??= await browser.newContext({ ...PHONE, storageState: await contexts.owner.storageState() });
  return contexts.phone;
}

async function allReady(ids: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const records = await Promise.all(ids.map(async (id) => (await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).body));
    if (records.every((r) => r.status === 'ready')) return;
    if (Date.now() > deadline) throw new Error(`images not ready: ${JSON.stringify(records.map((r) => ({ id: r.id, status: r.status, error: r.error })))}; resize jobs: ${await resizeJobs(ids)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Where each image's resize job is (pending with whom, idle how long, delivered how often): what a timeout needs to be told apart. */
async function resizeJobs(ids: string[]): Promise<string> {
  const redis = t.redis.client;
  const out: string[] = [];
  for (const id of ids) {
    const shard = shardOf(id);
    const jobId = await redis.hget(redisKeys.resizeLive(shard), id);
    const pending = jobId ? ((await redis.xpending(redisKeys.resizeStream(shard), RESIZE_GROUP, jobId, jobId, 1)) as unknown[]) : [];
    out.push(`${id}: job ${jobId ?? 'none'} ${JSON.stringify(pending)}`);
  }
  return out.join('; ');
}

/** Loads the owner's grid in `page`, waits for every thumbnail, and returns the /i/ responses with their sizes. */
async function gridImages(page: Page, count: number): Promise<{ url: string; bytes: number; cache: string | null }[]> {
  const seen: Promise<{ url: string; bytes: number; cache: string | null }>[] = [];
  const onResponse = (r: Response) => {
    if (!new URL(r.url()).pathname.startsWith('/i/')) return;
    // A body no longer available (the page went on) counts as an unmeasured response: NaN fails the size check by name, never as an unhandled rejection.
    seen.push(r.body().then((b) => ({ url: r.url(), bytes: b.length, cache: r.headers()['x-imgsvc-cache'] ?? null }), () => ({ url: r.url(), bytes: Number.NaN, cache: null })));
  };
  await page.goto('about:blank');
  page.on('response', onResponse);
  await page.goto(`${t.url}/app`);
  await until(page, `document.querySelectorAll('.grid img.loaded').length >= ${count}`, 30_000);
  page.off('response', onResponse);
  await page.waitForTimeout(400); // the thumbnails' fade-in
  return Promise.all(seen);
}

beforeAll(async () => {
  t = await startTestService({
    IMGSVC_RATE_LIMIT_PER_KEY: 'off',
    IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off',
    IMGSVC_COMMENT_RATE: 'off',
    // A delivery that fails on a loaded machine is retried after this, within the test's wait, not after the 2-minute default
    // (one CI run beside a CPU hog left an image processing for over 2 minutes).
    IMGSVC_RESIZE_VISIBILITY_TIMEOUT_MS: '20000',
  });
  browser = await launchChromium('the web app browser test');
  alice = await createUser(t.url, t.adminKey, 'alice', { displayName: 'Alice' });
  bob = await createUser(t.url, t.adminKey, 'bob', { displayName: 'Bob' });
  contexts.owner = await browser.newContext(DESKTOP);
  contexts.viewer = await browser.newContext(DESKTOP);
  contexts.anonymous = await browser.newContext(PHONE);
  for (const who of ['owner', 'viewer', 'anonymous'] as const) pages[who] = watch(await contexts[who].newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the web app', () => {
  it('sends / to /app and serves the page with a strict CSP and nothing from elsewhere', async () => {
    const root = await fetch(`${t.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app');
    const page = await fetch(`${t.url}/app`, { headers: { 'accept-encoding': 'br' } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' blob:");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('signs the owner in from a set-password link and the viewer with the form; anonymous sees the sign-in page', async () => {
    const owner = pages.owner;
    await owner.goto(`${t.url}/app/set-password${await passwordFor(alice)}`);
    await owner.getByLabel('New password (at least 12 characters)').fill(PASSWORD);
    await owner.getByLabel('The same again').fill(PASSWORD);
    await expectAccessible(owner, 'set-password');
    await owner.getByRole('button', { name: 'Set password and sign in' }).click();
    await owner.getByRole('heading', { name: 'Your photos' }).waitFor();
    expect(owner.url()).toBe(`${t.url}/app`);

    const set = await api(t.url, 'POST', `/v1/password-links/${(await passwordFor(bob)).slice(1)}`, undefined, { password: PASSWORD });
    expect(set.status).toBe(200);
    await signIn(pages.viewer, 'bob');

    await pages.anonymous.goto(`${t.url}/app`);
    await pages.anonymous.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(pages.anonymous, 'sign-in');
  }, 90_000);

  it('uploads 5 photos with progress, and one cut mid-way resumes where it stopped', async () => {
    const owner = pages.owner;
    const patches: { url: string; offset: number; at: number }[] = [];
    let cut: { url: string; offset: number; at: number } | undefined;
    await owner.route('**/v1/uploads/**', async (route) => {
      const req = route.request();
      if (req.method() === 'PATCH') {
        const offset = Number(req.headers()['upload-offset']);
        const entry = { url: req.url(), offset, at: patches.length };
        patches.push(entry);
        // The connection drops in the middle of the first photo that needs more than one part.
        if (!cut && offset > 0) {
          cut = entry;
          return route.abort('connectionreset');
        }
      }
      return route.continue();
    });
    const seenProgress = until(owner, "[...document.querySelectorAll('.uploads progress')].some(p => p.value > 0 && p.value < p.max)", 30_000);
    await owner.getByTestId('file-input').setInputFiles(PHOTOS);
    await owner.locator('.uploads progress').first().waitFor();
    await seenProgress;
    await until(owner, `document.querySelectorAll('.upload-item[data-state="done"]').length === ${PHOTOS.length}`, 90_000);
    await owner.unroute('**/v1/uploads/**');

    expect(cut).toBeDefined();
    const after = patches.filter((p) => p.url === cut!.url && p.at > cut!.at);
    // Resumed at the offset the server had, never from the start.
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]!.offset).toBe(cut!.offset);
    expect(after.every((p) => p.offset >= cut!.offset)).toBe(true);
    expect(await owner.locator('.upload-item[data-resumed-at]').count()).toBe(1);
    expect(await owner.locator('.upload-item[data-resumed-at]').getAttribute('data-resumed-at')).toBe(String(cut!.offset));
    expect(await owner.evaluate("[...document.querySelectorAll('.uploads progress')].every(p => p.value === p.max)")).toBe(true);

    const listed = await api(t.url, 'GET', `/v1/images?owner=${alice.id}`, alice.key);
    imageIds = (listed.body.items as { id: string }[]).map((i) => i.id);
    expect(imageIds).toHaveLength(PHOTOS.length);
    await allReady(imageIds);
  }, 180_000);

  it('shows the grid of 50 px thumbnails, each response at most 10 KB, phone-sized on a phone', async () => {
    const desktop = await gridImages(pages.owner, PHOTOS.length);
    expect(desktop.length).toBeGreaterThanOrEqual(PHOTOS.length);
    for (const r of desktop) expect(r.bytes, r.url).toBeLessThanOrEqual(GRID_IMAGE_MAX_BYTES);
    // At 1x the 50 px preset made at upload: the origin's hot path.
    expect(desktop.every((r) => new URL(r.url).pathname.endsWith('/thumb'))).toBe(true);
    const sizes = (await pages.owner.evaluate("[...document.querySelectorAll('.grid img')].map(i => [i.getBoundingClientRect().width, i.naturalWidth])")) as [number, number][];
    for (const [shown, natural] of sizes) {
      expect(shown).toBe(50);
      expect(natural).toBeLessThanOrEqual(50);
    }
    await pages.owner.screenshot({ path: join(SHOTS, 'grid-desktop.png') });
    await expectAccessible(pages.owner, 'grid');
    // Sorted by date taken (EXIF), the grid follows the listing's order.
    const byTaken = ((await api(t.url, 'GET', `/v1/images?owner=${alice.id}&sort=taken`, alice.key)).body.items as { id: string }[]).map((i) => `${t.url}/app/photos/${i.id}`);
    await pages.owner.getByLabel('Sort by').selectOption('taken');
    await until(pages.owner, `[...document.querySelectorAll('.grid a.cell')].map(a => a.href).join() === ${JSON.stringify(byTaken.join())}`, 15_000);

    const phone = watch(await (await ownerOnPhone()).newPage());
    const onPhone = await gridImages(phone, PHOTOS.length);
    for (const r of onPhone) expect(r.bytes, r.url).toBeLessThanOrEqual(GRID_IMAGE_MAX_BYTES);
    // 50 CSS px at 2.625x is 131 device px: the 160 px rung, not the 50 px one and not a display size.
    expect(onPhone.every((r) => new URL(r.url).searchParams.get('w') === '160')).toBe(true);
    await phone.screenshot({ path: join(SHOTS, 'grid-phone.png') });
    await phone.close();
  }, 120_000);

  it('opens a photo at full resolution, one at a time', async () => {
    const owner = pages.owner;
    await owner.locator('.grid a.cell').first().click();
    await owner.getByRole('heading', { level: 1 }).waitFor();
    const id = owner.url().split('/').pop()!;
    const record = (await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).body;
    await until(owner, SHOWN);
    await owner.screenshot({ path: join(SHOTS, 'photo-desktop.png'), fullPage: false });
    await expectAccessible(owner, 'photo page');
    const original = owner.waitForResponse((r) => r.url().endsWith(`/v1/images/${id}/original`));
    await owner.getByRole('button', { name: /^Full resolution/ }).click();
    expect((await original).status()).toBe(200);
    await until(owner, "document.querySelector('[data-testid=full-resolution]')?.naturalWidth > 0");
    expect(await owner.evaluate("document.querySelector('[data-testid=full-resolution]').naturalWidth")).toBe(record.width);
    expect(await owner.getByTestId('full-resolution').count()).toBe(1);
    // Next: the previous photo's full-resolution view is gone.
    await owner.getByRole('link', { name: 'Next →' }).click();
    await owner.waitForURL((u) => !u.pathname.endsWith(id));
    expect(await owner.getByTestId('full-resolution').count()).toBe(0);

    const phone = watch(await (await ownerOnPhone()).newPage());
    await phone.goto(`${t.url}/app/photos/${id}`);
    await until(phone, SHOWN);
    await phone.screenshot({ path: join(SHOTS, 'photo-phone.png') });
    await phone.close();
  }, 120_000);

  it('makes one private and grants the viewer by handle: the viewer sees it, anonymous gets the not-found page', async () => {
    const owner = pages.owner;
    privateId = imageIds[1]!;
    await owner.goto(`${t.url}/app/photos/${privateId}`);
    await owner.getByLabel('Private: you and your viewers').check();
    await owner.getByTestId('visibility').filter({ hasText: 'private' }).waitFor();
    expect((await api(t.url, 'GET', `/v1/images/${privateId}`, alice.key)).body.visibility).toBe('private');

    await owner.goto(`${t.url}/app/sharing`);
    await owner.getByLabel("Viewer's handle").fill('bob');
    await owner.getByRole('button', { name: 'Grant' }).click();
    await owner.getByRole('list', { name: 'Your viewers' }).getByText('@bob').waitFor();
    await expectAccessible(owner, 'sharing');

    await pages.viewer.goto(`${t.url}/app/photos/${privateId}`);
    await until(pages.viewer, SHOWN);
    expect(await pages.viewer.getByTestId('visibility').textContent()).toBe('private');
    await expectAccessible(pages.viewer, 'photo page (viewer)');

    await pages.anonymous.goto(`${t.url}/app/photos/${privateId}`);
    await pages.anonymous.getByRole('heading', { name: 'Not found' }).waitFor();
    await expectAccessible(pages.anonymous, 'not found');
  }, 90_000);

  it("puts the viewer's comment in the owner's notifications", async () => {
    await pages.viewer.getByLabel('Add a comment').fill('Lovely light in this one');
    await pages.viewer.getByRole('button', { name: 'Post comment' }).click();
    await pages.viewer.getByText('Lovely light in this one').waitFor();
    const owner = pages.owner;
    const deadline = Date.now() + 30_000;
    for (;;) {
      await owner.goto(`${t.url}/app/notifications`);
      await owner.getByRole('heading', { name: 'Notifications' }).waitFor();
      await owner.getByTestId('unread-count').waitFor();
      if (await owner.getByRole('link', { name: /1 new comment by Bob/ }).count()) break;
      if (Date.now() > deadline) throw new Error('the comment never reached the notifications');
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await owner.getByTestId('unread-badge').getAttribute('data-count')).toBe('1');
    await expectAccessible(owner, 'notifications');
    await owner.getByRole('link', { name: /1 new comment by Bob/ }).click();
    await owner.waitForURL(`${t.url}/app/photos/${privateId}`);
  }, 60_000);

  it('finds a photo by a word of its description', async () => {
    const owner = pages.owner;
    const id = imageIds[2]!;
    await owner.goto(`${t.url}/app/photos/${id}`);
    await owner.getByText('Edit details').click();
    await owner.getByLabel('Description').fill('A lighthouse at dusk, seen from the pier');
    await owner.getByRole('button', { name: 'Save details' }).click();
    await owner.getByText('Saved', { exact: true }).waitFor();
    const deadline = Date.now() + 20_000;
    for (;;) {
      await owner.goto(`${t.url}/app/search?q=lighthouse`);
      await owner.getByRole('heading', { name: 'Search' }).waitFor();
      await until(owner, "document.querySelector('.grid')?.getAttribute('aria-busy') === 'false'");
      const found = (await owner.evaluate("[...document.querySelectorAll('.grid a.cell')].map(a => a.href)")) as string[];
      if (found.length) {
        expect(found).toEqual([`${t.url}/app/photos/${id}`]);
        break;
      }
      if (Date.now() > deadline) throw new Error('search never found the photo');
      await new Promise((r) => setTimeout(r, 500));
    }
    await expectAccessible(owner, 'search');
  }, 60_000);

  it('deletes a photo, finds it in the trash, and restores it', async () => {
    const owner = pages.owner;
    const id = imageIds[3]!;
    await owner.goto(`${t.url}/app/photos/${id}`);
    await owner.getByRole('button', { name: 'Move to trash' }).click();
    await owner.waitForURL(`${t.url}/app/trash`);
    const restore = owner.getByRole('button', { name: /^Restore / });
    await restore.first().waitFor();
    expect(await restore.count()).toBe(1);
    expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).status).toBe(404);
    await expectAccessible(owner, 'trash');
    await restore.click();
    await owner.getByText('The trash is empty.').waitFor();
    expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).status).toBe(200);
    for (const screen of ['albums', 'favorites', 'people']) {
      await owner.goto(`${t.url}/app/${screen}`);
      await owner.getByRole('heading', { level: 1 }).waitFor();
      await expectAccessible(owner, screen);
    }
  }, 60_000);

  it('met no CSP refusal, page error or request to another origin on the way', () => {
    expect(problems).toEqual([]);
    expect(offOrigin).toEqual([]);
  });
});
