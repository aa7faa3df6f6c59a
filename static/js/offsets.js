// Offsets into an article's canonical text, counted as the server counts them: in code points
// (JavaScript strings count UTF-16 units), over the paragraphs joined by one blank line. The
// server gives each paragraph's offset (<p data-start>), so only the part inside one is counted.

// The article text (.js-annotatable) that a DOM node is in, if any.
export function bodyOf(node) {
  const element = node?.nodeType === Node.ELEMENT_NODE ? node : node?.parentElement;
  return element?.closest(".js-annotatable") ?? null;
}

export function paragraphsOf(body) {
  return [...body.querySelectorAll("p[data-start]")];
}

export function codePointLength(text) {
  return [...text].length;
}

// The body's canonical text as code points: paragraphs joined by one blank line, as on the server.
export function charactersOf(body) {
  return [...paragraphsOf(body).map((p) => p.textContent).join("\n\n")];
}

function startOf(paragraph) {
  return Number(paragraph.dataset.start);
}

// A DOM boundary point as an offset into the canonical text; between paragraphs it snaps
// inward (a start to the next paragraph, an end to the previous one).
export function offsetOfPoint(body, node, offset, edge) {
  const paragraphs = paragraphsOf(body);
  const inside = paragraphs.find((p) => p.contains(node));
  if (inside) {
    const range = document.createRange();
    range.setStart(inside, 0);
    range.setEnd(node, offset);
    return startOf(inside) + codePointLength(range.toString());
  }
  const point = document.createRange();
  point.setStart(node, offset);
  const next = paragraphs.findIndex((p) => point.comparePoint(p, 0) >= 0);
  if (edge === "start") return next === -1 ? charactersOf(body).length : startOf(paragraphs[next]);
  const previous = paragraphs[(next === -1 ? paragraphs.length : next) - 1];
  return previous ? startOf(previous) + codePointLength(previous.textContent) : 0;
}

// The paragraph an offset falls in; in the blank line between two, the one before it.
export function paragraphAt(body, offset) {
  return paragraphsOf(body).filter((p) => startOf(p) <= offset).pop();
}

// An offset into the canonical text as a DOM boundary point: [text node, UTF-16 offset in it].
export function pointAtOffset(body, offset) {
  const paragraph = paragraphAt(body, offset);
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  let remaining = offset - startOf(paragraph);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const characters = [...node.data];
    if (remaining <= characters.length) return [node, characters.slice(0, remaining).join("").length];
    remaining -= characters.length;
  }
  return [paragraph, paragraph.childNodes.length];
}
