import { describe, expect, it } from 'vitest';
import { requireK8sTool } from './k8s-tools.js';
import { requireTool } from './require-tool.js';

describe('requireTool', () => {
  it('finds programs on the PATH and by absolute path', () => {
    expect(requireTool('sh', 'dash', 'this test')).toMatch(/\/sh$/);
    expect(requireTool('/bin/sh', 'dash', 'this test')).toBe('/bin/sh');
  });

  it('fails naming the Debian package to install', () => {
    expect(() => requireTool('no-such-tool-imgsvc', 'imgsvc-tools', 'the widget test')).toThrow(
      'the widget test needs no-such-tool-imgsvc, which is not installed: install the Debian/Ubuntu package imgsvc-tools (sudo apt-get install imgsvc-tools)',
    );
    expect(() => requireTool('/usr/bin/no-such-chromium', 'chromium', 'the real-browser test')).toThrow(/package chromium/);
  });
});

describe('requireK8sTool', () => {
  it('finds kubectl and helm in .tools/bin or on the PATH, or fails saying how to install them', () => {
    for (const name of ['kubectl', 'helm'] as const) {
      try {
        expect(requireK8sTool(name)).toMatch(new RegExp(`/${name}$`));
      } catch (err) {
        expect(String(err)).toContain(`the Kubernetes tests need ${name}, which is not installed: run test/tools/install-k8s-tools.sh`);
      }
    }
  });
});
