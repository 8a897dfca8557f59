// Tiny DOM helpers: build elements without innerHTML so server strings are never parsed as markup.

/**
 * h('a', { href: '#', class: 'x', dataset: { testid: 'y' } }, 'text', child)
 * Attributes that are null/undefined/false are skipped; `true` sets an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'class') element.className = value;
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    // Through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style="" attributes.
    else if (name === 'style') element.style.cssText = String(value);
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function statusBadge(status, extra = {}) {
  return h('span', { class: 'badge', dataset: { status: status ?? '' }, ...extra }, status ?? 'Unknown');
}

/** Fills an empty page root with the page's own static markup (never server strings: those go through h()). */
export function mountMarkup(root, markup) {
  if (root.childElementCount === 0) root.innerHTML = markup;
}

/** Loads src into img; rejects when the answer is not an image. */
export function loadImage(img, src) {
  return new Promise((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('The server answered with something that is not an image.'));
    img.src = src;
  });
}
