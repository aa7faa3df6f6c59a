// Suggest existing tags for the tag being typed (the part after the last comma), in any tag
// field of the page; the fields share the datalist their list attribute names.

let timer;

async function suggest(input) {
  const list = document.getElementById(input.getAttribute("list"));
  const typed = input.value.split(",");
  const current = typed.pop().trim();
  if (!list) return;
  if (!current) return list.replaceChildren();
  const response = await fetch(`${input.dataset.suggestUrl}?q=${encodeURIComponent(current)}`);
  if (!response.ok) return;
  const { tags } = await response.json();
  const before = typed.map((tag) => tag.trim()).filter(Boolean);
  list.replaceChildren(...tags.map((tag) => {
    const option = document.createElement("option");
    option.value = [...before, tag].join(", ");
    return option;
  }));
}

document.addEventListener("input", (event) => {
  const input = event.target.closest?.(".js-tag-input");
  if (!input) return;
  clearTimeout(timer);
  timer = setTimeout(() => suggest(input), 150);
});
