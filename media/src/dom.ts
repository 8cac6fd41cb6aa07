/** Small DOM helpers: elements built with textContent only (spec text never becomes markup). */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export function button(label: string, title: string, onClick: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', title, ...attributes }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function checkbox(label: string, onChange: (checked: boolean) => void, id: string): { input: HTMLInputElement; label: HTMLLabelElement } {
  const input = el('input', { type: 'checkbox', id });
  input.addEventListener('change', () => onChange(input.checked));
  return { input, label: el('label', { for: id, class: 'toggle' }, input, ' ', label) };
}

/** A table with a caption, replacing the container's content. */
export function renderTable(container: HTMLElement, caption: string, headers: string[], rows: (string | number)[][]): void {
  const table = el(
    'table',
    { class: 'data' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, typeof cell === 'number' ? String(cell) : cell))))),
  );
  container.replaceChildren(table);
}
