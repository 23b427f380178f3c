import { placeholder } from '../src/index.js';
test('smoke', () => { expect(placeholder).toBe(1); });
