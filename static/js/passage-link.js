// Links like /articles/1/slug/#passage-120-180 select and show that passage of the text.
// Offsets count code points into the canonical text, as everywhere on the server.

import { paragraphAt, pointAtOffset } from "./offsets.js";

function showPassage() {
  const match = location.hash.match(/^#passage-(\d+)-(\d+)$/);
  const body = document.querySelector(".js-annotatable");
  if (!match || !body) return;
  const [start, end] = [Number(match[1]), Number(match[2])];
  const first = paragraphAt(body, start);
  if (!first) return;
  const range = document.createRange();
  range.setStart(...pointAtOffset(body, start));
  range.setEnd(...pointAtOffset(body, end));
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  first.scrollIntoView({ block: "center" });
}

showPassage();
window.addEventListener("hashchange", showPassage);
