#!/usr/bin/env node
// `msal-mtls-emulator`: runs the emulator until SIGINT/SIGTERM.
import { startFromCli } from './cli.js';
import { parseCliArgs, USAGE } from './cli_args.js';

async function main(): Promise<number> {
  let command;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`msal-mtls-emulator: ${(error as Error).message}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const emulator = await startFromCli(command, (line) => process.stdout.write(`${line}\n`));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`msal-mtls-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
