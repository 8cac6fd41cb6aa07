/**
 * The preview's state and rendering. Messages from the extension (protocol.ts, ToWebview) set the
 * result, the simulation and the state; the sliders set the what-if. Rendering happens once per
 * animation frame for whatever changed, so a slider drag never queues work: the what-if curves are
 * recomputed from the spectrum with the engine's risk code (whatIf.ts) and the charts swapped
 * without animation.
 */
import type { ChartId, PredictionPayload, PreviewState, ToWebview, WebviewState } from '../../server/src/protocol';
import { predictRisk, toSumConvention } from '../../server/src/core';
import { formatNumber } from './charts/common';
import { LambdaChart } from './charts/lambdaChart';
import { LearningChart } from './charts/learningChart';
import { curveSeries, recordedSeries, seriesLabel, type Series, type SimulationPoints } from './charts/series';
import { SpectraChart } from './charts/spectraChart';
import { toCsv } from './csv';
import { el, renderTable } from './dom';
import { buildPage, type Page, type PageOption, type SliderName } from './page';
import { observeTheme, readPalette, type Palette } from './theme';
import type { VsCodeApi } from './vscodeApi';
import { designOf, KappaMemory, lambdaCurves, lambdaRange, logGrid, theoryCurves, whatIfCurves, type Design, type LambdaCurve } from './whatIf';

type Part = 'curves' | 'whatIf' | 'lambda' | 'spectra';

interface WhatIf {
  lambda: number;
  noiseVariance: number;
  n: number;
}

/** Points of the lambda plot. */
const LAMBDA_GRID_POINTS = 61;
/**
 * The optimal-penalty curve costs about 30 risk evaluations per n; while a slider is dragged it
 * is recomputed only if it last took less than this (ms), else once the slider is released.
 */
const OPTIMAL_DRAG_BUDGET_MS = 12;
/** Likewise the lambda plot's optimum (one search at the marked n). */
const OPTIMUM_DRAG_BUDGET_MS = 4;

export class PreviewApp {
  private readonly page: Page;
  private palette: Palette;
  private readonly learning: LearningChart;
  private readonly lambda: LambdaChart;
  private readonly spectra: SpectraChart;

  private uri: string | undefined;
  private version = 0;
  private elapsedMs: number | undefined;
  private payload: PredictionPayload | undefined;
  private design: Design | undefined;
  private simulation: { version: number; points: SimulationPoints } | undefined;
  private pinned: PredictionPayload | undefined;
  private locked = false;
  private whatIf: WhatIf | undefined;
  /** The spec's own slider values for the result shown (a slider still at them follows an edit). */
  private whatIfDefaults: WhatIf | undefined;
  private restoredWhatIf: WhatIf | undefined;
  private state: PreviewState = { kind: 'empty', message: 'Waiting for a prediction…' };
  private readonly options: Record<PageOption, boolean> = { training: false, generalization: false, psi: false, tables: false };
  private layerIndex = -1;

  private ranges = { lambda: [1e-6, 1] as [number, number], noise: [0, 1] as [number, number], n: [1, 2] as [number, number] };
  private theory: Series[] = [];
  private whatIfSeries: Series[] = [];
  private lambdaData: LambdaCurve[] = [];
  private optimalMs = 0;
  private optimalPending = false;
  private optimumMs = 0;
  private optimumPending = false;
  private readonly dirty = new Set<Part>();
  private dragging = false;
  private headlineText = '';
  private readonly memory = new KappaMemory();
  private frame = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly vscode: VsCodeApi,
  ) {
    const saved = vscode.getState();
    if (saved) {
      this.uri = saved.uri;
      this.locked = saved.locked;
      this.restoredWhatIf = saved.whatIf;
      this.pinned = saved.pinned;
    }
    this.page = buildPage(root, {
      runSimulation: () => vscode.postMessage({ type: 'runSimulation' }),
      togglePin: () => this.togglePin(),
      toggleLock: () => vscode.postMessage({ type: 'toggleLock' }),
      exportCsv: () => this.exportCsv(),
      exportPng: (chart) => this.exportPng(chart),
      cancel: () => vscode.postMessage({ type: 'cancel' }),
      revealProblem: () => {
        if (this.state.kind === 'error' && this.state.problem) vscode.postMessage({ type: 'revealProblem', ...this.state.problem });
      },
      writeLambda: () => this.whatIf && vscode.postMessage({ type: 'writeLambda', lambda: this.whatIf.lambda }),
      resetWhatIf: () => this.resetWhatIf(),
      sliderInput: (name, final) => this.sliderInput(name, final),
      setOption: (option, value) => this.setOption(option, value),
      selectLayer: (index) => {
        this.layerIndex = index;
        this.schedule('spectra');
      },
    });
    this.palette = readPalette();
    this.learning = new LearningChart(this.page.charts.learningCurve.canvas, this.palette);
    this.lambda = new LambdaChart(this.page.charts.lambdaCurve.canvas, this.palette);
    this.spectra = new SpectraChart(this.page.charts.spectra.canvas, this.palette);
    observeTheme(() => this.themeChanged());
    this.renderLock();
    this.renderStatus();
  }

  get charts(): Record<ChartId, unknown> {
    return { learningCurve: this.learning.chart, lambdaCurve: this.lambda.chart, spectra: this.spectra.chart };
  }

  receive(message: ToWebview): void {
    switch (message.type) {
      case 'prediction':
        return this.showPrediction(message.uri, message.version, message.payload, message.elapsedMs);
      case 'simulation':
        if (message.uri !== this.uri) return;
        this.simulation = { version: message.version, points: message.simulation.simulation };
        return this.schedule('curves');
      case 'state':
        if (message.uri !== this.uri && this.payload) {
          // A dynamic preview moved to another spec that has no result yet.
          this.clearResult();
        }
        this.uri = message.uri;
        this.state = message.state;
        this.renderStatus();
        return this.save();
      case 'locked':
        this.locked = message.locked;
        this.renderLock();
        return this.save();
      case 'exportPng':
        return this.exportPng(message.chart);
      case 'exportCsv':
        return this.exportCsv();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Result

  private showPrediction(uri: string, version: number, payload: PredictionPayload, elapsedMs: number | undefined): void {
    const sameSpec = uri === this.uri && this.whatIf !== undefined;
    const previous = this.whatIf;
    this.uri = uri;
    this.version = version;
    this.payload = payload;
    this.elapsedMs = elapsedMs;
    this.design = designOf(payload);
    this.memory.clear();
    if (this.simulation && this.simulation.version !== version) this.simulation = undefined;
    this.setRanges(this.design);
    const defaults = this.defaultWhatIf(this.design);
    const previousDefaults = this.whatIfDefaults;
    this.whatIfDefaults = defaults;
    const restored = this.restoredWhatIf;
    this.restoredWhatIf = undefined;
    // Same spec: a slider the user moved stays where it was put, one still at the spec's value
    // follows the edited spec (the noise always follows the spec's); another spec: its own values;
    // after a reload: where they were.
    const follow = (key: 'lambda' | 'n'): number => (previous![key] === previousDefaults?.[key] ? defaults[key] : previous![key]);
    const base = restored ?? (sameSpec ? { lambda: follow('lambda'), n: follow('n'), noiseVariance: defaults.noiseVariance } : defaults);
    this.whatIf = {
      lambda: clamp(base.lambda, ...this.ranges.lambda),
      noiseVariance: clamp(base.noiseVariance, ...this.ranges.noise),
      n: clamp(base.n, ...this.ranges.n),
    };
    this.fillLayerSelect(payload);
    this.page.title.textContent = payload.title;
    this.page.content.hidden = false;
    this.page.empty.hidden = true;
    this.syncSliders();
    this.schedule('curves', 'whatIf', 'lambda', 'spectra');
    this.save();
  }

  private clearResult(): void {
    this.payload = undefined;
    this.design = undefined;
    this.simulation = undefined;
    this.whatIf = undefined;
    this.page.content.hidden = true;
    this.page.empty.hidden = false;
  }

  private defaultWhatIf(design: Design): WhatIf {
    const fixed = design.choices.filter((c): c is number => c !== 'optimal');
    const samples = design.samples;
    const lambda = fixed[0] ?? Math.sqrt(this.ranges.lambda[0] * this.ranges.lambda[1]);
    // The marked n starts at the interpolation threshold when the sweep crosses it (the most
    // telling lambda plot), else in the middle of the sweep.
    const [lo, hi] = this.ranges.n;
    const n = design.features >= lo && design.features <= hi ? design.features : (samples[Math.floor(samples.length / 2)] ?? lo);
    return { lambda, noiseVariance: design.noiseVariance, n };
  }

  private setRanges(design: Design): void {
    const signal = Math.max(0, ...design.runs.map((r) => r.inputs.sigma2 - r.inputs.noiseVariance));
    this.ranges = {
      lambda: lambdaRange(design),
      noise: [0, Math.max(2 * design.noiseVariance, signal, 1e-3)],
      n: [Math.min(...design.samples), Math.max(...design.samples, Math.min(...design.samples) + 1)],
    };
  }

  // -------------------------------------------------------------------------------------------
  // What-if sliders: positions 0..1000, log for lambda and n, linear for the noise.

  private sliderInput(name: SliderName, final: boolean): void {
    if (!this.whatIf) return;
    const t = Number(this.page.sliders[name].input.value) / 1000;
    if (name === 'lambda') this.whatIf.lambda = fromLog(t, this.ranges.lambda);
    else if (name === 'n') this.whatIf.n = Math.round(fromLog(t, this.ranges.n));
    else this.whatIf.noiseVariance = this.ranges.noise[0] + t * (this.ranges.noise[1] - this.ranges.noise[0]);
    this.dragging = !final;
    this.syncSliders(false);
    // The lambda plot's curve does not depend on the what-if penalty (only its marker moves).
    if (name === 'lambda') this.schedule('whatIf');
    else if (name === 'n') this.schedule('lambda');
    else this.schedule('curves', 'whatIf', 'lambda');
    if (final) this.save();
  }

  private resetWhatIf(): void {
    if (!this.design) return;
    this.whatIf = this.defaultWhatIf(this.design);
    this.syncSliders();
    this.schedule('curves', 'whatIf', 'lambda');
    this.save();
  }

  private syncSliders(moveThumbs = true): void {
    const w = this.whatIf;
    if (!w) return;
    const { lambda, noise, n } = this.page.sliders;
    if (moveThumbs) {
      lambda.input.value = String(Math.round(1000 * toLog(w.lambda, this.ranges.lambda)));
      n.input.value = String(Math.round(1000 * toLog(w.n, this.ranges.n)));
      const [a, b] = this.ranges.noise;
      noise.input.value = String(Math.round((1000 * (w.noiseVariance - a)) / (b - a)));
    }
    lambda.output.textContent = formatNumber(w.lambda);
    noise.output.textContent = formatNumber(w.noiseVariance);
    n.output.textContent = String(w.n);
    lambda.input.setAttribute('aria-valuetext', `lambda ${formatNumber(w.lambda)}`);
    noise.input.setAttribute('aria-valuetext', `noise variance ${formatNumber(w.noiseVariance)}`);
    n.input.setAttribute('aria-valuetext', `n ${w.n}`);
  }

  private setOption(option: PageOption, value: boolean): void {
    this.options[option] = value;
    // Only the spectra plot computes something new (the psi histogram); the rest is a redraw.
    if (option === 'psi') this.schedule('spectra');
    else this.schedule();
  }

  private togglePin(): void {
    if (this.pinned) this.pinned = undefined;
    else if (this.payload) this.pinned = pinnable(this.payload);
    this.renderLock();
    this.schedule('curves');
    this.save();
  }

  // -------------------------------------------------------------------------------------------
  // Rendering, once per animation frame.

  private schedule(...parts: Part[]): void {
    for (const part of parts) this.dirty.add(part);
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    const design = this.design;
    const whatIf = this.whatIf;
    if (!design || !whatIf || !this.payload) return;
    const started = performance.now();
    const parts = new Set(this.dirty);
    this.dirty.clear();

    if (parts.has('curves')) this.computeTheory(design, whatIf);
    if (parts.has('curves') || parts.has('whatIf')) this.whatIfSeries = curveSeries(whatIfCurves(design, whatIf.lambda, whatIf.noiseVariance, this.memory));
    if (parts.has('lambda')) this.computeLambdaPlot(design, whatIf);

    this.learning.render(
      {
        features: design.features,
        ...(this.payload.sweep ? { sweepParameter: this.payload.sweep.parameter } : {}),
        series: this.theory,
        whatIf: { lambda: whatIf.lambda, series: this.whatIfSeries },
        ...(this.pinned ? { pinned: recordedSeries(this.pinned) } : {}),
        ...(this.simulation ? { simulation: this.simulation.points } : {}),
        showTraining: this.options.training,
        showGeneralization: this.options.generalization,
        markedN: whatIf.n,
      },
      this.palette,
    );
    if (parts.has('lambda') || parts.has('whatIf') || parts.has('curves')) {
      this.lambda.render({ curves: this.lambdaData, convention: design.convention, whatIfLambda: whatIf.lambda, ...(this.payload.sweep ? { sweepParameter: this.payload.sweep.parameter } : {}) }, this.palette);
    }
    if (parts.has('spectra')) this.renderSpectra(this.payload);
    this.renderHeadline(this.payload, design, whatIf);
    if (this.options.tables) this.renderTables();
    this.describeCharts();

    const ms = performance.now() - started;
    this.root.dataset.renders = String(Number(this.root.dataset.renders ?? 0) + 1);
    this.root.dataset.renderMs = ms.toFixed(2);
    if (this.optimalPending && !this.dragging) this.schedule('curves');
    if (this.optimumPending && !this.dragging) this.schedule('lambda');
  }

  /** The learning curves at the what-if noise; the optimal curve deferred while a drag would stutter. */
  private computeTheory(design: Design, whatIf: WhatIf): void {
    const withOptimal = !this.dragging || this.optimalMs < OPTIMAL_DRAG_BUDGET_MS || !design.choices.includes('optimal');
    const started = performance.now();
    const curves = curveSeries(theoryCurves(design, whatIf.noiseVariance, { optimal: withOptimal, memory: this.memory }));
    if (withOptimal) {
      if (design.choices.includes('optimal')) this.optimalMs = (performance.now() - started) * optimalShare(design);
      this.optimalPending = false;
      this.theory = curves;
    } else {
      // Keep the last optimal curve until the slider is released.
      this.optimalPending = true;
      const optimal = this.theory.filter((s) => s.choice === 'optimal');
      this.theory = orderLike(design, [...curves, ...optimal]);
    }
  }

  /** The lambda plot at the marked n; its optimum deferred while a drag would stutter. */
  private computeLambdaPlot(design: Design, whatIf: WhatIf): void {
    const grid = logGrid(...this.ranges.lambda, LAMBDA_GRID_POINTS);
    const withOptimum = !this.dragging || this.optimumMs < OPTIMUM_DRAG_BUDGET_MS;
    const started = performance.now();
    const curves = lambdaCurves(design, whatIf.n, grid, whatIf.noiseVariance, this.memory, { optimum: withOptimum, previous: this.lambdaData });
    if (withOptimum) {
      // The optimum's share of the time: about 30 cold solves against one warm solve per penalty.
      this.optimumMs = ((performance.now() - started) * 30) / (30 + grid.length / 4);
      this.optimumPending = false;
    } else this.optimumPending = true;
    this.lambdaData = curves;
  }

  private renderSpectra(payload: PredictionPayload): void {
    const layers = payload.layers;
    const index = this.layerIndex >= 0 && this.layerIndex < layers.length ? this.layerIndex : layers.length - 1;
    const layer = layers[index];
    if (!layer) return;
    const sweepTag = layer.sweepValue === undefined ? '' : ` · ${sweepName(payload)} = ${layer.sweepValue}`;
    const isLast = layers.filter((l) => l.sweepValue === layer.sweepValue).pop() === layer;
    const risk = payload.riskInputs?.find((r) => r.sweepValue === layer.sweepValue);
    const psi = this.options.psi && isLast && risk ? risk.psiProjections : undefined;
    this.spectra.render({ label: `${layer.id}${sweepTag}`, eigenvalues: layer.eigenvalues ?? [], ...(psi ? { psiProjections: psi } : {}) }, this.palette);
    const facts: [string, string][] = [
      ['layer', `${layer.id}${sweepTag}`],
      ['width', String(layer.width)],
      ['activation', layer.activationLabel],
      ['linearisation', layer.linearization],
      ['pre-activation variance', formatNumber(layer.preactivationVariance)],
      ['κ₀', formatNumber(layer.kappa0)],
      ['κ₁', formatNumber(layer.kappa1)],
      ['κ*', formatNumber(layer.kappaStar)],
      ['eigenvalues min / mean / max', `${formatNumber(layer.spectrum.min)} / ${formatNumber(layer.spectrum.mean)} / ${formatNumber(layer.spectrum.max)}`],
    ];
    if (this.spectra.histogram && this.spectra.histogram.belowRange > 0) facts.push(['zero modes (not drawn)', String(this.spectra.histogram.belowRange)]);
    if (this.options.psi && !isLast) facts.push(['ψ projections', 'known for the last layer only']);
    this.page.layerFacts.replaceChildren(el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
  }

  private renderHeadline(payload: PredictionPayload, design: Design, whatIf: WhatIf): void {
    const nMax = Math.max(...design.samples);
    const atMax = payload.points.filter((p) => p.n === nMax && p.testError !== null);
    const best = atMax.reduce<(typeof atMax)[number] | undefined>((b, p) => (!b || (p.testError as number) < (b.testError as number) ? p : b), undefined);
    const run = design.runs[0];
    const live = run ? predictRisk({ ...run.inputs, sigma2: run.inputs.sigma2 - run.inputs.noiseVariance + whatIf.noiseVariance, noiseVariance: whatIf.noiseVariance }, whatIf.n, toSumConvention(whatIf.lambda, design.convention, whatIf.n, design.features)) : undefined;
    const optimum = this.lambdaData[0]?.optimum;
    const firstRunLayers = payload.layers.filter((l) => l.sweepValue === payload.layers[0]?.sweepValue);
    const rows: [string, string][] = [
      ['features p', String(payload.features)],
      ['network', firstRunLayers.map((l) => `${l.id}: ${l.width} ${l.activationLabel}`).join(' → ')],
      ['target E[y²] / noise s²', `${formatNumber(payload.target.variance)} / ${formatNumber(payload.target.noiseVariance)}`],
      ...(best ? ([[`best predicted test error at n = ${nMax}`, `${formatNumber(best.testError as number)} (λ = ${formatNumber(best.lambda)}${best.optimal ? ', optimal' : ''})`]] as [string, string][]) : []),
      ...(live && live.status === 'ok' ? ([[`what-if at n = ${whatIf.n}`, `${formatNumber(live.testError)} (λ = ${formatNumber(whatIf.lambda)}, s² = ${formatNumber(whatIf.noiseVariance)})`]] as [string, string][]) : []),
      ...(optimum ? ([[`optimal λ at n = ${whatIf.n}`, `${formatNumber(optimum.lambda)} (test error ${formatNumber(optimum.testError)})`]] as [string, string][]) : []),
      ['computed', `version ${this.version}${this.elapsedMs === undefined ? '' : `, engine ${formatNumber(this.elapsedMs / 1000)} s`}`],
    ];
    // Rebuilt only when a number changed: no layout work in frames that do not need it.
    const text = JSON.stringify(rows);
    if (text === this.headlineText) return;
    this.headlineText = text;
    this.page.headline.replaceChildren(
      el('table', { class: 'facts' }, el('caption', {}, 'Headline numbers'), el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v))))),
    );
  }

  /** The data-table view of each plot (for screen readers and exact values). */
  private renderTables(): void {
    const design = this.design;
    if (!design || !this.payload) return;
    const sweep = this.payload.sweep?.parameter;
    const series = [...this.theory, ...this.whatIfSeries];
    renderTable(
      this.page.charts.learningCurve.table,
      'Predicted test error by sample size n',
      ['n', ...series.map((s, i) => (i >= this.theory.length ? `what-if ${seriesLabel(Number(formatNumber(s.choice as number)), s.sweepValue, sweep)}` : seriesLabel(s.choice, s.sweepValue, sweep)))],
      design.samples.map((n, k) => [n, ...series.map((s) => cellOf(s.points[k]?.testError ?? null))]),
    );
    const first = this.lambdaData[0];
    renderTable(
      this.page.charts.lambdaCurve.table,
      `Test error by penalty at n = ${this.whatIf?.n}`,
      ['λ', ...this.lambdaData.map((c) => (c.sweepValue === undefined ? 'test error' : `${sweepName(this.payload!)} = ${c.sweepValue}`))],
      (first?.lambdas ?? []).map((lambda, k) => [formatNumber(lambda), ...this.lambdaData.map((c) => cellOf(c.testErrors[k] ?? null))]),
    );
    const h = this.spectra.histogram;
    const psi = this.spectra.psiHistogram;
    renderTable(
      this.page.charts.spectra.table,
      'Eigenvalue density per decade by bin',
      ['bin from', 'bin to', 'density', ...(psi ? ['share of |ψ|²'] : [])],
      (h?.centres ?? []).map((_, k) => [formatNumber(h!.edges[k] as number), formatNumber(h!.edges[k + 1] as number), formatNumber(h!.density[k] as number), ...(psi ? [formatNumber(psi.density[k] as number)] : [])]),
    );
  }

  /** Short text alternatives of the plots (aria-label). */
  private describeCharts(): void {
    const design = this.design;
    if (!design) return;
    const { learningCurve, lambdaCurve } = this.page.charts;
    learningCurve.canvas.setAttribute(
      'aria-label',
      `Learning curves: test error against n from ${design.samples[0]} to ${design.samples[design.samples.length - 1]} on log axes, ${this.theory.length} predicted curves, n = p at ${design.features}. Use “data tables” for the values.`,
    );
    const optimum = this.lambdaData[0]?.optimum;
    lambdaCurve.canvas.setAttribute('aria-label', `Test error against λ at n = ${this.whatIf?.n}${optimum ? `, minimum ${formatNumber(optimum.testError)} at λ = ${formatNumber(optimum.lambda)}` : ''}.`);
  }

  private renderStatus(): void {
    const { status, statusText, progress, cancel, problemLink, empty, content } = this.page;
    const s = this.state;
    status.dataset.kind = s.kind;
    progress.hidden = s.kind !== 'computing';
    cancel.hidden = s.kind !== 'computing';
    problemLink.hidden = !(s.kind === 'error' && s.problem);
    switch (s.kind) {
      case 'computing':
        statusText.textContent = s.progress ? `Computing: ${s.progress.message}…` : 'Computing…';
        if (s.progress) progress.value = s.progress.fraction;
        else progress.removeAttribute('value');
        break;
      case 'ready':
        statusText.textContent = `Up to date (version ${this.version}${this.elapsedMs === undefined ? '' : `, ${formatNumber(this.elapsedMs / 1000)} s`}).`;
        break;
      case 'stale':
        statusText.textContent = 'Stale: the spec changed since these curves were computed. Save it to update them.';
        break;
      case 'error':
        statusText.textContent = s.message;
        break;
      case 'empty':
        statusText.textContent = this.payload ? '' : s.message;
        if (!this.payload) {
          empty.textContent = s.message;
          empty.hidden = false;
          content.hidden = true;
        }
        break;
    }
  }

  private renderLock(): void {
    this.page.lock.textContent = this.locked ? 'Unlock' : 'Lock';
    this.page.lock.setAttribute('aria-pressed', String(this.locked));
    this.page.pin.textContent = this.pinned ? 'Unpin' : 'Pin';
    this.page.pin.setAttribute('aria-pressed', String(this.pinned !== undefined));
  }

  private fillLayerSelect(payload: PredictionPayload): void {
    const select = this.page.layerSelect;
    const previous = select.value;
    select.replaceChildren(
      ...payload.layers.map((l, i) => el('option', { value: String(i) }, `${l.id} (${l.width}, ${l.activationLabel})${l.sweepValue === undefined ? '' : ` · ${sweepName(payload)} = ${l.sweepValue}`}`)),
    );
    const keep = Number(previous);
    this.layerIndex = previous !== '' && keep < payload.layers.length ? keep : payload.layers.length - 1;
    select.value = String(this.layerIndex);
  }

  private themeChanged(): void {
    this.palette = readPalette();
    this.learning.applyPalette(this.palette);
    this.lambda.applyPalette(this.palette, this.design?.convention ?? 'sum');
    this.spectra.applyPalette(this.palette);
    this.schedule('spectra');
  }

  // -------------------------------------------------------------------------------------------
  // Export and state

  /** The chart as PNG to the extension, which saves it (asked by a command or by the page's button). */
  private exportPng(chart: ChartId): void {
    const target = chart === 'learningCurve' ? this.learning.chart : chart === 'lambdaCurve' ? this.lambda.chart : this.spectra.chart;
    const dataUrl = this.payload ? target.toBase64Image('image/png', 1) : '';
    this.vscode.postMessage({ type: 'exportedPng', chart, dataUrl });
  }

  private exportCsv(): void {
    const csv = this.payload && this.whatIf ? toCsv(this.payload, { lambda: this.whatIf.lambda, noiseVariance: this.whatIf.noiseVariance, series: this.whatIfSeries }, this.simulation?.points) : '';
    this.vscode.postMessage({ type: 'exportedCsv', csv });
  }

  private save(): void {
    const state: WebviewState = {
      ...(this.uri === undefined ? {} : { uri: this.uri }),
      locked: this.locked,
      ...(this.whatIf ? { whatIf: { ...this.whatIf } } : {}),
      ...(this.pinned ? { pinned: this.pinned } : {}),
    };
    this.vscode.setState(state);
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return Number.isFinite(value) ? Math.min(hi, Math.max(lo, value)) : lo;
}

function toLog(value: number, [lo, hi]: [number, number]): number {
  return hi > lo ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : 0;
}

function fromLog(t: number, [lo, hi]: [number, number]): number {
  return Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo)));
}

function cellOf(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : formatNumber(value);
}

function sweepName(payload: PredictionPayload): string {
  return payload.sweep?.parameter.split('/').filter(Boolean).pop() ?? 'sweep';
}

/** The share of a theory computation spent on the optimal curve, by evaluation count (~30 per n vs 1 per n and penalty). */
function optimalShare(design: Design): number {
  const fixed = design.choices.filter((c) => c !== 'optimal').length;
  return 30 / (30 + fixed);
}

/** Curves back in the spec's order of choices, per run. */
function orderLike(design: Design, series: Series[]): Series[] {
  const order = (s: Series) => design.runs.findIndex((r) => r.sweepValue === s.sweepValue) * 1000 + design.choices.indexOf(s.choice);
  return [...series].sort((a, b) => order(a) - order(b));
}

/** What Pin keeps: the points, without the spectra (small enough for setState). */
function pinnable(payload: PredictionPayload): PredictionPayload {
  const pinned: PredictionPayload = { ...payload, layers: payload.layers.map((layer) => ({ ...layer })) };
  delete pinned.riskInputs;
  for (const layer of pinned.layers) delete layer.eigenvalues;
  return pinned;
}
