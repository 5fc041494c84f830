import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordLinkAction, runAccounts } from '../../services/cli/accounts-command.js';
import { createUser } from '../helpers/accounts.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { signInRaw } from '../helpers/sessions.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await createUser(t.url, t.adminKey, 'walker');
});
afterAll(async () => {
  await t?.stop();
});

async function capturing(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: await run(), out: out.join('') };
  } finally {
    process.stdout.write = write;
  }
}

describe('imgsvc users passwd', () => {
  it('prints a one-time link that sets the password; the password never passes through the command', async () => {
    const { code, out } = await capturing(() => runAccounts({ data: t.dataDir }, t.env, passwordLinkAction('walker', t.url)));
    expect(code).toBe(0);
    const url = /(http:\/\/\S+\/app\/set-password#(\S+))/.exec(out);
    expect(url, out).not.toBeNull();
    expect(url![1]!.startsWith(`${t.url}/app/set-password#`)).toBe(true);
    const set = await fetch(`${t.url}/v1/password-links/${url![2]!}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'a walk in the park' }) });
    expect(set.status).toBe(200);
    expect((await signInRaw(t.url, 'walker', 'a walk in the park')).status).toBe(200);
    const unknown = await capturing(() => runAccounts({ data: t.dataDir }, t.env, passwordLinkAction('nobody', t.url)));
    expect(unknown.code).toBe(2);
  });
});
