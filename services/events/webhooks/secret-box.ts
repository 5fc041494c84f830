import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreateSecretFile } from '../../storage/local-secret-file.js';

/**
 * Encrypts webhook signing secrets at rest (AES-256-GCM). They cannot be hashed like API keys:
 * the service must sign with them. The endpoint id is the associated data, so a ciphertext
 * copied onto another endpoint does not decrypt.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the webhook secret key must be 32 bytes');
  }

  seal(plain: string, endpointId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, endpointId: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * The key from configuration (a Secret in Kubernetes: every pod must share it), else from
 * `webhook-key` in the data folder, written by the first start and readable by its owner only.
 */
export async function loadSecretBox(configured: Buffer | undefined, dataDir: string): Promise<SecretBox> {
  if (configured) return new SecretBox(configured);
  const file = join(dataDir, 'webhook-key');
  const text = await readOrCreateSecretFile(file, () => randomBytes(32).toString('base64'));
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${file}: expected 32 bytes in base64`);
  return new SecretBox(key);
}
