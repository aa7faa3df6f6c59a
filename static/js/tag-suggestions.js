// Suggest existing tags for the tag being typed (the part after the last comma).

const input = document.querySelector(".js-tag-input");
const list = input && document.getElementById(input.getAttribute("list"));
let timer;

async function suggest() {
  const typed = input.value.split(",");
  const current = typed.pop().trim();
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

input?.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(suggest, 150);
});
