import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { deployment } from './deployment.js';
import { inputFor } from './fixtures.test-support.js';
import { ROLE_NAMES } from './image-service-spec.js';
import { service, serviceUrl } from './service.js';

describe('service', () => {
  it.each(ROLE_NAMES)('selects the %s pods and targets their named http port', async (role) => {
    const input = inputFor();
    const svc = service(input, role);
    expect(await validateObject(svc)).toEqual([]);
    const pod = deployment(input, role).spec!.template;
    expect(svc.spec!.selector).toEqual(pod.metadata!.labels);
    expect(svc.spec!.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(pod.spec!.containers[0]!.ports!.map((p) => p.name)).toContain('http');
  });

  it('selects only its own role', () => {
    const input = inputFor();
    expect(service(input, 'upload').spec!.selector).not.toEqual(service(input, 'origin').spec!.selector);
  });

  it('reports in-cluster URLs', () => {
    expect(serviceUrl(inputFor(), 'origin')).toBe('http://photos-origin.media.svc:80');
  });
});
