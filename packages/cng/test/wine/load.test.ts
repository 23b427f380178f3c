import { runUnderWine, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

wine('the win32-x64 prebuild under Wine', () => {
  it('loads through node-gyp-build in a Windows node.exe, with numbers intact', async () => {
    const run = await runUnderWine<{ ok: boolean; value: { abiVersion: number; platform: string; arch: string } }>('load.cjs');
    expect(run.result).toBeDefined();
    expect(run.result?.ok).toBe(true);
    // abiVersion is a double made by the first napi_create_double call: it was garbage before the
    // delay-load thunk warm-up in addon.cc.
    expect(run.result?.value).toMatchObject({ abiVersion: 1, platform: 'win32', arch: 'x64' });
    expect(run.status).toBe(0);
  });
});
