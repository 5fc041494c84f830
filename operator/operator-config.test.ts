import { describe, expect, it } from 'vitest';
import { ConfigError } from '../services/core/config.js';
import { loadOperatorConfig } from './operator-config.js';

describe('loadOperatorConfig', () => {
  it('has working defaults and reads the downward-API variables the chart sets', () => {
    const c = loadOperatorConfig({ POD_NAME: 'op-7d9', POD_NAMESPACE: 'imgsvc-system' });
    expect(c).toMatchObject({ identity: 'op-7d9', leaseNamespace: 'imgsvc-system', leaseName: 'imgsvc-operator', leaseDurationSeconds: 15, renewDeadlineSeconds: 10, port: 8081 });
    expect(c.watchNamespace).toBeUndefined();
  });

  it('lists every problem at once, including a renew deadline that would let two leaders overlap', () => {
    expect(() => loadOperatorConfig({ IMGSVC_OPERATOR_PORT: 'x', IMGSVC_OPERATOR_WATCH_NAMESPACE: 'Bad_NS' })).toThrow(ConfigError);
    try {
      loadOperatorConfig({ IMGSVC_OPERATOR_PORT: 'x', IMGSVC_OPERATOR_WATCH_NAMESPACE: 'Bad_NS' });
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['IMGSVC_OPERATOR_WATCH_NAMESPACE', 'IMGSVC_OPERATOR_PORT']);
    }
    expect(() => loadOperatorConfig({ IMGSVC_OPERATOR_LEASE_DURATION_SECONDS: '5', IMGSVC_OPERATOR_RENEW_DEADLINE_SECONDS: '5' })).toThrow(/must be below/);
  });
});
