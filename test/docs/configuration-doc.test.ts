import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdConfigKeys, noteProblems, renderConfiguration } from '../../scripts/config-docs/render-configuration.js';
import { ROOT } from '../helpers/repo-root.js';

/** docs/configuration.md is made from the settings tables; this fails when the two drift apart. */
describe('docs/configuration.md', () => {
  const doc = readFileSync(`${ROOT}docs/configuration.md`, 'utf8');

  it('gives every setting a note, and no note outlives its setting', () => {
    expect(noteProblems()).toEqual([]);
  });

  it('is what npm run docs:config writes from the code today', () => {
    // On a difference: run `npm run docs:config` and commit the file.
    expect(doc).toBe(renderConfiguration());
  });

  it("lists exactly the CRD's spec.config keys", () => {
    const crd = parse(readFileSync(`${ROOT}crds/imageservices.imgsvc.io.yaml`, 'utf8')) as {
      spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: { config: { properties: Record<string, unknown> } } } } } } }[] };
    };
    const inCrd = Object.keys(crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.config.properties).sort();
    const documented = [...doc.matchAll(/^\| `([a-zA-Z]+)` \| [^|]+ \| [^|]+ \| `IMGSVC_[A-Z_]+` \|/gm)].map((m) => m[1]!).sort();
    expect(inCrd.length).toBeGreaterThanOrEqual(18);
    expect(documented).toEqual(inCrd);
    expect(crdConfigKeys().sort()).toEqual(inCrd);
  });
});
