import { describe, expect, it } from 'vitest';
import { parseDeviceMix, parseQuantity } from './capacity-flags.js';

describe('parseQuantity', () => {
  it.each([
    ['5000000', 5_000_000],
    ['5,000,000', 5_000_000],
    ['5_000_000', 5_000_000],
    ['5M', 5_000_000],
    ['3.4MB', 3_400_000],
    ['512KiB', 524_288],
    ['0.9', 0.9],
    ['.5', 0.5],
    ['12 GB', 12e9],
    ['lots', NaN],
    ['5X', NaN],
    ['', NaN],
  ] as const)('%s → %s', (text, n) => {
    expect(parseQuantity(text)).toBe(n);
  });
});

describe('parseDeviceMix', () => {
  it('reads shares and percentages', () => {
    expect(parseDeviceMix('phone=0.6,desktop=0.3,tablet=0.1')).toEqual({ phone: 0.6, desktop: 0.3, tablet: 0.1 });
    expect(parseDeviceMix('phone=70%, save-data=30%')).toEqual({ phone: 0.7, 'save-data': 0.3 });
  });
  it('says what it expected', () => {
    expect(parseDeviceMix('phone:0.6')).toMatch(/expected device=share pairs .* but received "phone:0.6"/);
  });
});
