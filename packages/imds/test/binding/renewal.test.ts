import { isReusable, renewalMarginMs } from '../../src/binding/renewal.js';

const h = 3_600_000;
const d = 24 * h;

// The rule: reuse while remaining ≥ min(24 h, half the lifetime). Lifetimes from 8 h to 90 days.
describe('binding certificate renewal (deliberate difference §2)', () => {
  test.each([
    ['8 h cert: margin 4 h', 8 * h, 4 * h],
    ['24 h cert: margin 12 h', 24 * h, 12 * h],
    ['48 h cert: margin 24 h', 48 * h, 24 * h],
    ['7 day cert: margin 24 h', 7 * d, 24 * h],
    ['90 day cert: margin 24 h', 90 * d, 24 * h],
  ])('%s', (_name, lifetime, margin) => {
    expect(renewalMarginMs(0, lifetime)).toBe(margin);
    expect(isReusable(0, lifetime, lifetime - margin)).toBe(true); // boundary: exactly the margin left
    expect(isReusable(0, lifetime, lifetime - margin + 1)).toBe(false);
    expect(isReusable(0, lifetime, 0)).toBe(true);
  });
  test('not yet valid is not reusable', () => {
    expect(isReusable(10 * h, 20 * h, 9 * h)).toBe(false);
  });
});
