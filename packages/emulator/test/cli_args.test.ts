import { parseCliArgs } from '../src/cli_args.js';

test('start with every option', () => {
  expect(parseCliArgs(['start', '--port', '8443', '--host', '0.0.0.0', '--ca-dir', './ca', '--register', 'app:tenant:C:\\certs\\a.pem', '--register', 'b:t2:b.pem', '--json'])).toEqual({
    command: 'start', port: 8443, host: '0.0.0.0', caDir: './ca', json: true,
    register: [{ clientId: 'app', tenantId: 'tenant', certPath: 'C:\\certs\\a.pem' }, { clientId: 'b', tenantId: 't2', certPath: 'b.pem' }],
  });
});

test('defaults and help', () => {
  expect(parseCliArgs(['start'])).toEqual({ command: 'start', register: [], json: false });
  expect(parseCliArgs([])).toEqual({ command: 'help' });
  expect(parseCliArgs(['start', '--help'])).toEqual({ command: 'help' });
});

test.each([
  [['stop']], [['start', '--port', '70000']], [['start', '--port', 'x']], [['start', '--register', 'app:tenant']],
  [['start', '--register', ':t:c.pem']], [['start', '--bogus']], [['start', 'extra']],
])('rejects %j', (argv) => {
  expect(() => parseCliArgs(argv)).toThrow(TypeError);
});
