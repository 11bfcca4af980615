// What every page's script shares: calling the API as the signed-in visitor
// (session cookie + CSRF header, answers in the page's language), showing a
// problem+json answer (its field errors beside their fields), marking a long
// action as working, and writing instants in Vietnam time.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || "";

export const lang = () => document.documentElement.lang || "vi";

/** The JSON the page was rendered with (`<script type="application/json" id="page-data">`). */
export function pageData(id = "page-data") {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

/** Call the API: resolves to {ok, status, data}; `data` is the problem on failure. */
export async function api(method, path, body, { raw = false } = {}) {
  const headers = { "Accept-Language": lang(), "X-CSRFToken": meta("csrf-token") };
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && typeof body !== "string") {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (typeof body === "string") {
    headers["Content-Type"] = "application/xml";
  }
  const response = await fetch(path.startsWith("/") && !path.startsWith("/api/")
    ? `/api/v1${path}` : path, { method, headers, body: payload, credentials: "same-origin" });
  if (raw) return response;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  return { ok: response.ok, status: response.status, data };
}

/** Show `problem` in `box` (role=alert) and each field error beside its field in `form`. */
export function showProblem(box, problem, form) {
  clearProblem(box, form);
  if (!problem) return;
  box.hidden = false;
  box.textContent = [problem.title, problem.detail].filter(Boolean).join(": ");
  for (const error of problem.errors || []) {
    const name = String(error.field || "").replace(/^(body|data|query)\./, "");
    const field = form?.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!field) {
      const line = document.createElement("div");
      line.textContent = `${error.field}: ${error.message}`;
      box.append(line);
      continue;
    }
    const note = document.createElement("span");
    note.className = "field-error";
    note.id = `${field.id || name}-error`;
    note.textContent = error.message;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", note.id);
    field.insertAdjacentElement("afterend", note);
  }
}

export function clearProblem(box, form) {
  if (box) { box.hidden = true; box.textContent = ""; }
  form?.querySelectorAll(".field-error").forEach((node) => node.remove());
  form?.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

/** Run `action` with `button` shown as working (disabled, aria-busy) until it settles. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  document.body.classList.add("working");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    document.body.classList.remove("working");
  }
}

const formats = {};
/** `dd/mm/yyyy HH:MM` in Asia/Ho_Chi_Minh time; "" for none. */
export function instant(value) {
  if (!value) return "";
  formats.instant ||= new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const parts = Object.fromEntries(formats.instant.formatToParts(new Date(value))
    .map((part) => [part.type, part.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** Forms marked `data-busy` show that they are working once submitted. */
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[type=submit], button:not([type])");
  if (event.target.matches("form[data-busy]") && button) {
    button.setAttribute("aria-busy", "true");
    document.body.classList.add("working");
  }
});
