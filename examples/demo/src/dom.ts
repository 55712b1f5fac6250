/** A few DOM helpers: elements built from data (text nodes only, never HTML strings). */

/** Children an element accepts: nodes, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** The children worth appending: nodes and text, numbers as text. */
function present(children: readonly Child[]): (Node | string)[] {
  return children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c));
}

/** Creates `<tag>` with attributes (`class`, `data-*`, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...present(children));
  return element;
}

/** Creates an SVG element with attributes and children. */
export function svg(tag: string, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** The element with `id`, which the page must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}.`);
  return element as T;
}

/** Replaces the children of `#id`. */
export function fill(id: string, ...children: Child[]): void {
  byId(id).replaceChildren(...present(children));
}

/** A table with a header row and one row per item. */
export function table<T>(
  columns: readonly { readonly label: string; readonly cell: (row: T) => Child; readonly numeric?: boolean }[],
  rows: readonly T[],
  onRow?: (row: T) => void,
  isSelected?: (row: T) => boolean,
): HTMLTableElement {
  const head = h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { class: c.numeric === true ? 'num' : undefined }, c.label))));
  const body = h(
    'tbody',
    {},
    ...rows.map((row) => {
      const tr = h(
        'tr',
        { class: isSelected?.(row) === true ? 'selected' : undefined },
        ...columns.map((c) => h('td', { class: c.numeric === true ? 'num' : undefined }, c.cell(row))),
      );
      if (onRow !== undefined) {
        tr.classList.add('clickable');
        tr.addEventListener('click', () => onRow(row));
      }
      return tr;
    }),
  );
  return h('table', {}, head, body);
}

/** A short paragraph saying there is nothing to show yet. */
export function empty(text: string): HTMLParagraphElement {
  return h('p', { class: 'empty' }, text);
}
