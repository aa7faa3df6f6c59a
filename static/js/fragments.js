// An article's two fragments on the page (its highlighted text and its annotation list), fetched
// again from the URL its text slot names: after a save (annotate.js) and while reading (live.js).

export function slotsOf(articleId) {
  const [text, annotations] = ["js-article-body-slot", "js-annotation-slot"]
    .map((slotClass) => document.querySelector(`.${slotClass}[data-article="${articleId}"]`));
  return { text, annotations };
}

// "changed", "same" (the server answered 304: nothing this reader may see changed) or "failed".
// no-cache: the browser revalidates its copy with the ETag and reuses it on a 304.
export async function refreshArticle(articleId, { onlyIfChanged = false } = {}) {
  const slots = slotsOf(articleId);
  const response = await fetch(slots.text.dataset.fragmentsUrl, {
    headers: { Accept: "application/json" },
    cache: "no-cache",
  }).catch(() => null);
  if (!response?.ok) return "failed";
  const etag = response.headers.get("ETag");
  if (onlyIfChanged && etag && etag === slots.text.dataset.etag) return "same";
  const fragments = await response.json();
  slots.text.innerHTML = fragments.text; // rendered by our own templates, as on the page
  slots.annotations.innerHTML = fragments.annotations;
  slots.text.dataset.etag = etag ?? "";
  return "changed";
}
