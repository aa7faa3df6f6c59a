// Links like /articles/1/slug/#passage-120-180 select and show that passage of the text.
// Offsets count code points into the canonical text, as everywhere on the server.

function domPoint(paragraph, offset) {
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  let remaining = offset - Number(paragraph.dataset.start);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const characters = [...node.data];
    if (remaining <= characters.length) return [node, characters.slice(0, remaining).join("").length];
    remaining -= characters.length;
  }
  return [paragraph, paragraph.childNodes.length];
}

function paragraphAt(offset) {
  const paragraphs = [...document.querySelectorAll(".js-annotatable p[data-start]")];
  return paragraphs.filter((p) => Number(p.dataset.start) <= offset).pop();
}

function showPassage() {
  const match = location.hash.match(/^#passage-(\d+)-(\d+)$/);
  if (!match) return;
  const [start, end] = [Number(match[1]), Number(match[2])];
  const first = paragraphAt(start);
  const last = paragraphAt(end);
  if (!first || !last) return;
  const range = document.createRange();
  range.setStart(...domPoint(first, start));
  range.setEnd(...domPoint(last, end));
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  first.scrollIntoView({ block: "center" });
}

showPassage();
window.addEventListener("hashchange", showPassage);
