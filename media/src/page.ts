/**
 * The preview's skeleton: state banner, toolbar, what-if sliders, headline table and the three
 * plots, each with its export button, an aria label and a data-table view. Built once; app.ts
 * fills it in.
 */
import type { ChartId } from '../../server/src/protocol';
import { button, checkbox, el } from './dom';

export interface PageActions {
  runSimulation(): void;
  togglePin(): void;
  toggleLock(): void;
  exportCsv(): void;
  exportPng(chart: ChartId): void;
  cancel(): void;
  revealProblem(): void;
  writeLambda(): void;
  resetWhatIf(): void;
  sliderInput(which: SliderName, final: boolean): void;
  setOption(option: PageOption, value: boolean): void;
  selectLayer(index: number): void;
}

export type SliderName = 'lambda' | 'noise' | 'n';

export type PageOption = 'training' | 'generalization' | 'psi' | 'tables';

export interface Slider {
  input: HTMLInputElement;
  output: HTMLOutputElement;
}

export interface ChartSection {
  section: HTMLElement;
  canvas: HTMLCanvasElement;
  table: HTMLElement;
}

export interface Page {
  title: HTMLElement;
  status: HTMLElement;
  statusText: HTMLElement;
  progress: HTMLProgressElement;
  cancel: HTMLButtonElement;
  problemLink: HTMLButtonElement;
  pin: HTMLButtonElement;
  lock: HTMLButtonElement;
  simulate: HTMLButtonElement;
  sliders: Record<SliderName, Slider>;
  writeLambda: HTMLButtonElement;
  headline: HTMLElement;
  content: HTMLElement;
  empty: HTMLElement;
  charts: Record<ChartId, ChartSection>;
  layerSelect: HTMLSelectElement;
  layerFacts: HTMLElement;
  options: Record<PageOption, HTMLInputElement>;
}

const CHART_TITLES: Record<ChartId, string> = {
  learningCurve: 'Learning curves',
  lambdaCurve: 'Test error against λ at the marked n',
  spectra: 'Spectra of the feature covariances',
};

export function buildPage(root: HTMLElement, actions: PageActions): Page {
  const title = el('h1', {}, 'Rainbow Lab');
  const statusText = el('span', { class: 'status-text' });
  const progress = el('progress', { max: '1', 'aria-label': 'prediction progress' });
  const cancel = button('Cancel', 'Stop the running prediction', actions.cancel, { class: 'secondary' });
  const problemLink = button('Go to problem', 'Show the first problem in the spec', actions.revealProblem, { class: 'link' });
  const status = el('div', { class: 'status', role: 'status' }, statusText, progress, cancel, problemLink);

  const simulate = button('Run simulation', 'Fit ridge on sampled data at the spec’s simulate.n and draw the dots', actions.runSimulation);
  const pin = button('Pin', 'Keep the current curves as a faded reference', actions.togglePin, { class: 'secondary', 'aria-pressed': 'false' });
  const lock = button('Lock', 'Keep this preview on this spec instead of following the active editor', actions.toggleLock, { class: 'secondary', 'aria-pressed': 'false' });
  const csv = button('Export CSV', 'Save the predicted points, the what-if curve and the simulation as CSV', actions.exportCsv, { class: 'secondary' });
  const training = checkbox('training error', (v) => actions.setOption('training', v), 'opt-training');
  const generalization = checkbox('generalisation error', (v) => actions.setOption('generalization', v), 'opt-generalization');
  const psi = checkbox('ψ projections', (v) => actions.setOption('psi', v), 'opt-psi');
  const tables = checkbox('data tables', (v) => actions.setOption('tables', v), 'opt-tables');
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'preview actions' }, simulate, pin, lock, csv, training.label, generalization.label, psi.label, tables.label);

  const slider = (name: SliderName, label: string, help: string): Slider & { row: HTMLElement } => {
    const input = el('input', { type: 'range', min: '0', max: '1000', step: '1', id: `slider-${name}`, 'aria-describedby': `help-${name}` });
    const output = el('output', { for: `slider-${name}`, id: `value-${name}` });
    input.addEventListener('input', () => actions.sliderInput(name, false));
    input.addEventListener('change', () => actions.sliderInput(name, true));
    const row = el('div', { class: 'slider' }, el('label', { for: `slider-${name}` }, label), input, output, el('span', { class: 'help', id: `help-${name}` }, help));
    return { input, output, row };
  };
  const lambda = slider('lambda', 'λ', 'what-if penalty (spec’s convention)');
  const noise = slider('noise', 'noise s²', 'label-noise variance');
  const n = slider('n', 'marked n', 'sample size of the λ plot');
  const writeLambda = button('Write λ into the spec', 'Add the what-if λ to ridge.lambda (an undoable edit; save to predict it)', actions.writeLambda);
  const reset = button('Reset', 'Back to the spec’s own values', actions.resetWhatIf, { class: 'secondary' });
  const whatIf = el('fieldset', { class: 'what-if' }, el('legend', {}, 'What if'), lambda.row, noise.row, n.row, el('div', { class: 'buttons' }, writeLambda, reset));

  const headline = el('div', { class: 'headline' });
  const chartSection = (id: ChartId, extra: HTMLElement[] = []): ChartSection => {
    const canvas = el('canvas', { role: 'img', 'aria-label': CHART_TITLES[id], id: `chart-${id}` });
    const table = el('div', { class: 'table-view', hidden: '' });
    const section = el(
      'section',
      { class: 'chart', 'aria-labelledby': `title-${id}` },
      el('div', { class: 'chart-head' }, el('h2', { id: `title-${id}` }, CHART_TITLES[id]), ...extra, button('PNG', `Export “${CHART_TITLES[id]}” as PNG`, () => actions.exportPng(id), { class: 'secondary small' })),
      el('div', { class: `canvas-box ${id}` }, canvas),
      table,
    );
    return { section, canvas, table };
  };
  const layerSelect = el('select', { id: 'layer', 'aria-label': 'layer' });
  layerSelect.addEventListener('change', () => actions.selectLayer(Number(layerSelect.value)));
  const charts = {
    learningCurve: chartSection('learningCurve'),
    lambdaCurve: chartSection('lambdaCurve'),
    spectra: chartSection('spectra', [layerSelect]),
  };
  const layerFacts = el('div', { class: 'layer-facts' });
  charts.spectra.section.insertBefore(layerFacts, charts.spectra.table);

  const empty = el('p', { class: 'placeholder' });
  const content = el('div', { class: 'content', hidden: '' }, toolbar, whatIf, headline, charts.learningCurve.section, charts.lambdaCurve.section, charts.spectra.section);
  root.replaceChildren(el('header', {}, title, status), empty, content);
  return {
    title,
    status,
    statusText,
    progress,
    cancel,
    problemLink,
    pin,
    lock,
    simulate,
    sliders: { lambda, noise, n },
    writeLambda,
    headline,
    content,
    empty,
    charts,
    layerSelect,
    layerFacts,
    options: { training: training.input, generalization: generalization.input, psi: psi.input, tables: tables.input },
  };
}
