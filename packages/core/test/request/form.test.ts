import { encodeForm } from '../../src/request/form.js';

describe('encodeForm (Uri.EscapeDataString, %20 → +; spec §6.1)', () => {
  test('the spec example body', () => {
    expect(
      encodeForm([
        ['client_id', '00000000-1111-2222-3333-444444444444'],
        ['scope', 'https://management.azure.com/.default'],
        ['grant_type', 'client_credentials'],
        ['token_type', 'mtls_pop'],
      ]),
    ).toBe('client_id=00000000-1111-2222-3333-444444444444&scope=https%3A%2F%2Fmanagement.azure.com%2F.default&grant_type=client_credentials&token_type=mtls_pop');
  });
  test.each([
    ['a b', 'a+b'],
    ["!'()*", '%21%27%28%29%2A'],
    ['-_.~', '-_.~'],
    ['é', '%C3%A9'],
    ['a+b', 'a%2Bb'],
  ])('%p → %p', (value, want) => {
    expect(encodeForm([['v', value]])).toBe(`v=${want}`);
  });
});
