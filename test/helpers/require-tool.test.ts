import { describe, expect, it } from 'vitest';
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
