/**
 * Chart colours from the editor's theme: VS Code sets --vscode-* CSS variables on the page and a
 * body class (vscode-light, vscode-dark, vscode-high-contrast, vscode-high-contrast-light) and
 * changes both when the user switches theme; canvas charts cannot use CSS variables, so the
 * colours are read here and the charts redrawn when the class or the variables change.
 */

export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  /** One colour per series, cycled. */
  series: string[];
  /** The n = p line and the optimum markers. */
  accent: string;
  highContrast: boolean;
}

const SERIES_VARIABLES: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
];

export function readPalette(root: Element = document.documentElement, body: HTMLElement = document.body): Palette {
  const style = getComputedStyle(root);
  const bodyStyle = getComputedStyle(body);
  const variable = (name: string, fallback: string): string => (style.getPropertyValue(name) || bodyStyle.getPropertyValue(name)).trim() || fallback;
  const dark = body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast');
  const foreground = variable('--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  return {
    foreground,
    muted: variable('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: variable('--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    background: variable('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    series: SERIES_VARIABLES.map(([name, fallback]) => variable(name, fallback)),
    accent: variable('--vscode-editorWarning-foreground', dark ? '#cca700' : '#bf8803'),
    highContrast: body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light'),
  };
}

/** Calls `onChange` when the theme changes (body class or the variables in the html style). */
export function observeTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return observer;
}

/** `color` at the given opacity (for pinned curves and fills); #rgb, #rrggbb, rgb() or a name. */
export function fade(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim());
  if (hex) {
    const h = hex[1] as string;
    const full = h.length === 3 ? h.replace(/./g, (c) => c + c) : h;
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color.trim());
  if (rgb) {
    const [r, g, b] = (rgb[1] as string).split(/[\s,/]+/);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}
