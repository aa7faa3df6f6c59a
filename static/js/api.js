// Writes through the JSON API (newsroom/api), made as any script makes them: a JSON body, and the
// session's CSRF token in a header. The page renders the API's URLs for the id 0, on the element
// marked js-api-urls (_annotation_form.html); apiUrl() puts the real id in its place.

const urls = document.querySelector(".js-api-urls")?.dataset ?? {};

// apiUrl("repliesUrl", 12): "/api/annotations/12/replies"
export function apiUrl(name, id) {
  return urls[name].replace(/\/0(?=\/|$)/, `/${id}`);
}

// The cookie is current even after signing in again in another tab; the page's own token is
// there for a cookie that scripts may not read.
function csrfToken() {
  const cookie = document.cookie.split("; ").find((pair) => pair.startsWith("csrftoken="));
  return cookie?.slice("csrftoken=".length) ?? document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

// { data }: what the API made, or { error }: its message for the reader.
export async function postJson(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  } catch {
    return { error: "Could not reach the server. Try again." };
  }
  const data = await response.json().catch(() => ({}));
  if (response.ok) return { data };
  // The API's own 401 speaks to scripts (tokens): a reader is told what to do instead.
  if (response.status === 401) return { error: "You are signed out. Sign in again in another tab, then save." };
  return { error: data.error ?? "Something went wrong. Try again." };
}

// The id at the end of an IRI the API gave: ".../api/annotations/12" → "12".
export function idOf(iri) {
  return iri.split("/").pop();
}
