/**
 * The language status item of a spec (the `{}` area of the status bar): the state of the active
 * spec's last prediction (computing with its stage, up to date with the headline error, stale,
 * problems) and the engine's time. Clicking it opens the preview.
 */
import * as vscode from 'vscode';
import { headline, type PredictionStore } from './predictions';

export const SPEC_SELECTOR: vscode.DocumentSelector = [{ language: 'rainbow-json' }, { pattern: '**/*.rainbow.json' }];

export class PredictionStatus implements vscode.Disposable {
  readonly item: vscode.LanguageStatusItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly store: PredictionStore,
    private readonly isTrusted: () => boolean,
  ) {
    this.item = vscode.languages.createLanguageStatusItem('rainbow.prediction', SPEC_SELECTOR);
    this.item.name = 'Rainbow Lab prediction';
    this.subscriptions.push(
      store.onDidChange((uri) => {
        if (uri === this.activeUri()) this.render();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
    this.render();
  }

  render(): void {
    const item = this.item;
    const uri = this.activeUri();
    const run = uri === undefined ? undefined : this.store.get(uri);
    item.busy = false;
    item.severity = vscode.LanguageStatusSeverity.Information;
    item.command = { title: 'Open Preview', command: 'rainbow.openPreviewToSide', arguments: uri ? [vscode.Uri.parse(uri)] : [] };
    if (!this.isTrusted()) {
      item.text = '$(shield) Rainbow: validation only';
      item.detail = 'untrusted workspace: no predictions';
      return;
    }
    if (!run) {
      item.text = '$(graph-line) Rainbow: no prediction yet';
      item.detail = 'save the spec to predict';
      return;
    }
    const { latest, lastDone } = run;
    const top = lastDone ? headline(lastDone) : undefined;
    const engine = lastDone?.elapsedMs === undefined ? '' : `engine ${formatMs(lastDone.elapsedMs)}`;
    switch (latest.status) {
      case 'computing': {
        item.busy = true;
        const percent = latest.progress ? ` ${Math.round(100 * latest.progress.fraction)}%` : '';
        item.text = `$(sync~spin) Rainbow: computing${percent}`;
        item.detail = latest.progress?.message ?? 'prediction running';
        return;
      }
      case 'failed':
      case 'timeout':
        item.severity = vscode.LanguageStatusSeverity.Error;
        item.text = '$(error) Rainbow: problems';
        item.detail = latest.message ?? 'the prediction failed';
        item.command = { title: 'Show Problems', command: 'workbench.actions.view.problems' };
        return;
      case 'cancelled':
      case 'done':
        if (!top) {
          item.text = '$(graph-line) Rainbow: no result';
          item.detail = latest.message ?? '';
          return;
        }
        item.text = `$(graph-line) Rainbow: test error ${formatNumber(top.testError)} at n = ${top.n}${run.stale ? ' (stale)' : ''}`;
        item.detail = [run.stale ? 'edited since: save to update' : 'up to date', engine].filter(Boolean).join(' · ');
        return;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.item.dispose();
  }

  private activeUri(): string | undefined {
    return vscode.window.activeTextEditor?.document.uri.toString();
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function formatNumber(value: number): string {
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(4) : value.toExponential(3);
}
