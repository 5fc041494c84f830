import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['services/**/*.test.ts', 'operator/**/*.test.ts', 'cdk8s/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only makes the image-heavy files slower.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    // s3rver (the S3-protocol server in tests) makes list continuation tokens with DES, which
    // OpenSSL 3 only offers through its legacy provider.
    execArgv: ['--openssl-legacy-provider'],
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
