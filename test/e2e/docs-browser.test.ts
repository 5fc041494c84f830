import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/require-tool.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** /docs in a real Chromium: it renders the operations, and every request it makes goes to our own server. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Evaluated in the page (a string, so this file needs no DOM types). */
const OPERATIONS_SHOWN = "document.querySelectorAll('.opblock').length";

let t: TestService;
let browser: Browser;

beforeAll(async () => {
  requireTool(CHROMIUM, 'chromium', 'the /docs browser test');
  t = await startTestService();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the /docs page', () => {
  it('renders the API from /openapi.json with nothing fetched from elsewhere', async () => {
    const tab = await browser.newPage();
    const requested: string[] = [];
    const failed: string[] = [];
    tab.on('request', (r) => requested.push(r.url()));
    tab.on('requestfailed', (r) => failed.push(r.url()));
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    expect((await tab.goto(`${t.url}/docs`))?.status()).toBe(200);
    await tab.waitForFunction(`${OPERATIONS_SHOWN} > 20`, undefined, { timeout: 20_000 });
    const origin = new URL(t.url).origin;
    expect(requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(requested).toContain(`${origin}/openapi.json`);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    expect(await tab.textContent('body')).toContain('/v1/images/{id}');
    await tab.screenshot({ path: `${t.dataDir}/docs.png` });
    await tab.close();
  }, 60_000);
});
