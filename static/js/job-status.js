// Pages that wait for background work (a comparison, an export, an import) name its status URL in
// data-job-status. Ask it every few seconds, less often as time passes, and reload the page once
// the work is finished (done or failed): the page then shows its result. Without scripts, the
// page says to reload it.

const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 15000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function isFinished(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    return response.ok ? (await response.json()).finished : null; // null: stop asking (404: gone)
  } catch {
    return false; // offline for a moment, or the server restarting: ask again later
  }
}

async function follow(element) {
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 1.5, LONGEST_WAIT_MS)) {
    await sleep(wait);
    const finished = await isFinished(element.dataset.jobStatus);
    if (finished === null) return;
    if (finished) {
      window.location.reload();
      return;
    }
  }
}

for (const element of document.querySelectorAll("[data-job-status]")) follow(element);
