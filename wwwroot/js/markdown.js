// A tiny Markdown renderer for assignment instructions: headings (#, ##, ###), paragraphs, lists (- or 1.),
// **bold**, *emphasis*, `code` and [links](https://…). It builds DOM nodes with h(), never HTML, so an instructor's
// text can never become markup or script; links go only to http(s) addresses.

import { h } from './dom.js';

const INLINE = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/;

function inline(text) {
  return text.split(INLINE).filter(Boolean).map((part) => {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return h('strong', {}, part.slice(2, -2));
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) return h('code', {}, part.slice(1, -1));
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      return /^https?:\/\//i.test(link[2])
        ? h('a', { href: link[2], rel: 'noopener noreferrer nofollow', target: '_blank' }, link[1])
        : link[1];
    }
    if (part.startsWith('*') && part.endsWith('*') && part.length > 2) return h('em', {}, part.slice(1, -1));
    return part;
  });
}

/** The Markdown text as a list of block elements. */
export function renderMarkdown(text) {
  const blocks = [];
  let paragraph = [];
  let list = null;
  const flush = () => {
    if (paragraph.length > 0) blocks.push(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
    list = null;
  };
  for (const raw of String(text ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (line === '') {
      flush();
    } else if (heading) {
      flush();
      blocks.push(h(`h${heading[1].length + 2}`, {}, inline(heading[2])));
    } else if (bullet || numbered) {
      if (paragraph.length > 0) flush();
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = h(tag, {});
        blocks.push(list);
      }
      list.append(h('li', {}, inline((bullet ?? numbered)[1])));
    } else {
      list = null;
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}
