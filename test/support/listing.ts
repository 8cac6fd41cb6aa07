/**
 * Tests generated from a folder listing: a folder that is missing or empty would generate no test
 * and pass silently, so the listing registers one test that fails in that case.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './paths';

/** Sorted names in `dir` that `keep` accepts, with a test that fails when there are none. */
export function listedCases(dir: string, keep: (name: string) => boolean = () => true): string[] {
  const names = existsSync(dir) ? readdirSync(dir).filter(keep).sort() : [];
  test(`${relative(repoRoot, dir)} holds cases`, () => {
    assert.ok(names.length > 0, `no cases in ${dir}: the tests generated from it would not run`);
  });
  return names;
}
