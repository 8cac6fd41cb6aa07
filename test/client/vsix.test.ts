/**
 * `npm run package`'s VSIX, built here into a temporary folder with the same command, opened as a
 * zip: the manifest's contributions, activation, trust and engines, the bundles inside, and nothing
 * a user does not need (tests, sources, source maps, native binaries, node_modules).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../server/src/protocol';
import { repoRoot } from '../support/paths';
import { readZip, type ZipEntry } from '../support/zip';

interface Manifest {
  name: string;
  version: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; description?: string } };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; path: string }[];
    commands: { command: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings: { command: string; key: string; when: string }[];
    configuration: { properties: Record<string, { default: unknown; markdownDescription?: string; description?: string }> };
    jsonValidation?: unknown;
  };
}

const COMMANDS = ['rainbow.openPreviewToSide', 'rainbow.openPreview', 'rainbow.runSimulation', 'rainbow.exportPng', 'rainbow.exportCsv', 'rainbow.newExperiment', 'rainbow.restartServer', 'rainbow.showOutput'];

describe('the VSIX', () => {
  let folder: string;
  let entries: ZipEntry[];
  let manifest: Manifest;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'rainbow-vsix-'));
    const out = join(folder, 'rainbow-lab.vsix');
    const script = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.package as string;
    // The package script's own vsce options, with the output redirected.
    const args = script.replace(/^vsce\s+/, '').split(/\s+/);
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), ...args, '--out', out], { cwd: repoRoot, stdio: 'pipe' });
    entries = readZip(readFileSync(out));
    manifest = JSON.parse(entry('extension/package.json').read().toString('utf8')) as Manifest;
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  function entry(name: string): ZipEntry {
    const found = entries.find((e) => e.name === name);
    assert.ok(found, `${name} in the VSIX`);
    return found;
  }

  it('carries the bundles, the page, the language files and the schema', () => {
    // Worker bundles exist when their sources do (scripts/bundle.js).
    const workers = ['worker', 'kernelThread'].filter((w) => existsSync(join(repoRoot, `server/src/${w}.ts`))).map((w) => `dist/${w}.js`);
    for (const name of ['dist/extension.js', 'dist/server.js', ...workers, 'media/dist/preview.js', 'media/preview.css', 'media/icon.png', 'language-configuration.json', 'syntaxes/rainbow-json.tmLanguage.json', 'schemas/rainbow.schema.json']) {
      assert.ok(entry(`extension/${name}`).size > 0, name);
    }
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('carries no tests, sources, source maps, native binaries or node_modules', () => {
    const unwanted = entries.map((e) => e.name).filter((n) => /(^|\/)(test|client\/src|media\/src|server\/|scripts|node_modules|out|examples)\//.test(n.replace(/^extension\//, '')) || /\.(ts|map|node|vsix|py|c|h)$/.test(n));
    assert.deepEqual(unwanted, []);
  });

  it('declares the commands, menus, keybinding, language, grammar and every setting', () => {
    const c = manifest.contributes;
    assert.deepEqual(c.commands.map((x) => x.command).sort(), [...COMMANDS].sort());
    assert.ok(c.commands.find((x) => x.command === 'rainbow.openPreviewToSide')?.icon);
    assert.ok(c.menus['editor/title']?.some((m) => m.command === 'rainbow.openPreviewToSide'));
    assert.ok(c.menus['editor/context']?.some((m) => m.command === 'rainbow.openPreviewToSide'));
    const key = c.keybindings.find((k) => k.command === 'rainbow.openPreviewToSide');
    assert.equal(key?.key, 'ctrl+k v');
    assert.match(key?.when ?? '', /rainbow-json/);
    assert.deepEqual(c.languages.map((l) => [l.id, l.extensions]), [['rainbow-json', ['.rainbow.json']]]);
    assert.equal(c.grammars[0]?.language, 'rainbow-json');
    assert.equal(c.jsonValidation, undefined, 'the language server owns the diagnostics: no second report from the JSON extension');
    const settings = c.configuration.properties;
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      const setting = settings[`rainbow.${key}`];
      assert.ok(setting, `rainbow.${key} contributed`);
      assert.deepEqual(setting.default, value, `rainbow.${key} default`);
      assert.ok((setting.markdownDescription ?? setting.description ?? '').length > 20, `rainbow.${key} documented`);
    }
    assert.deepEqual(Object.keys(settings).sort(), Object.keys(DEFAULT_SETTINGS).map((k) => `rainbow.${k}`).sort());
  });

  it('activates on specs and restored previews, declares limited trust and VS Code ^1.91', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:rainbow-json'));
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:rainbow.preview'));
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok((manifest.capabilities.untrustedWorkspaces.description ?? '').length > 20);
    assert.equal(manifest.engines.vscode, '^1.91.0');
    const vsixManifest = entry('extension.vsixmanifest').read().toString('utf8');
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Code\.Engine" Value="\^1\.91\.0"/);
  });
});
