/**
 * Huge-page advice for large arrays (core/linalg/memory.ts, server/src/hugePages.ts and the optional
 * native addon server/native/hugepages.c): it is shown exactly the large arrays before they are
 * written, it changes no number, and where the addon is built the kernel accepts it. Nothing here
 * requires the addon: a machine without a C compiler runs these tests too.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { LARGE_ARRAY_DOUBLES, allocateDoubles, setLargeArrayAdvisor } from '../../server/src/core/linalg/memory';
import { WasmKernels, kernelsModule } from '../../server/src/core/linalg/wasm/instance';
import { predict } from '../../server/src/core';
import { hugePagesAddon, installHugePageAdvice } from '../../server/src/hugePages';
import { experimentText, memoryHost } from '../support/memoryHost';

afterEach(() => setLargeArrayAdvisor(undefined));

/** Installs an advisor that records the lengths of the views it is shown. */
function recordingAdvisor(): number[] {
  const seen: number[] = [];
  setLargeArrayAdvisor((view) => void seen.push(view.length));
  return seen;
}

describe('large-array advice', () => {
  it('is shown every array of at least 4 MiB before its first write, and no smaller one', () => {
    const untouched: boolean[] = [];
    setLargeArrayAdvisor((view) => void untouched.push(view.every((x) => x === 0)));
    const small = allocateDoubles(LARGE_ARRAY_DOUBLES - 1);
    const large = allocateDoubles(LARGE_ARRAY_DOUBLES);
    assert.deepEqual(untouched, [true]);
    assert.equal(small.length, LARGE_ARRAY_DOUBLES - 1);
    assert.equal(large.length, LARGE_ARRAY_DOUBLES);
  });

  it('is shown the pages a WebAssembly memory grows by', () => {
    const kernels = new WasmKernels(kernelsModule());
    const seen = recordingAdvisor();
    assert.ok(kernels.allocate(3 * LARGE_ARRAY_DOUBLES));
    assert.equal(seen.length, 1);
    assert.ok((seen[0] as number) >= 3 * LARGE_ARRAY_DOUBLES);
    assert.ok(kernels.allocate(LARGE_ARRAY_DOUBLES));
    assert.equal(seen.length, 1, 'no growth, no advice');
  });

  it('changes no number of a prediction large enough to use it (d = p = 800)', () => {
    const files = {
      '/spec.rainbow.json': experimentText({
        input: { dimension: 800 },
        student: { layers: [{ width: 800, activation: 'tanh' }, { width: 800, activation: 'relu' }] },
        ridge: { lambda: [1e-3, 'optimal'] },
        samples: { n: [400, 1600] },
      }),
    };
    const run = () => predict(files['/spec.rainbow.json'], '/spec.rainbow.json', memoryHost(files));
    const plain = run();
    const seen = recordingAdvisor();
    const advised = run();
    assert.ok(seen.length >= 3, `the weights and Omega are advised (${seen.length} arrays seen)`);
    assert.deepEqual(advised, plain);
  });
});

describe('the huge-page addon (optional: a CLI extra built at install where a C compiler is found)', () => {
  it('when built here, is accepted by the kernel for large arrays and not for small ones', (t) => {
    const addon = hugePagesAddon();
    if (!addon) return t.skip('the addon is not built on this machine (no C compiler, or not Linux): Rainbow Lab runs without it');
    assert.equal(addon.adviseHugePages(new Float64Array(2 * LARGE_ARRAY_DOUBLES)), true);
    // No whole 2 MiB page inside a small array: nothing to advise.
    assert.equal(addon.adviseHugePages(new Float64Array(1000)), false);
  });

  it('is used exactly when it loads, and never with RAINBOW_HUGE_PAGES=off', () => {
    assert.equal(installHugePageAdvice({}), hugePagesAddon() !== null);
    assert.equal(installHugePageAdvice({ RAINBOW_HUGE_PAGES: 'off' }), false);
  });
});
