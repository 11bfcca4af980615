// The dossier's life-cycle actions: a button opens the action's small form; the
// form posts to the API as the visitor, shows the server's problem (409, 422)
// beside it, or says it is done and has the page fetch its data again.
import { api, busy, clearProblem, showProblem } from "../common.js";

/** "2026-06-05T10:00" typed in Vietnam time, as an ISO instant. */
function vietnamTime(value) {
  return value ? `${value.length === 16 ? `${value}:00` : value}+07:00` : value;
}

function body(form) {
  const data = {};
  for (const field of form.querySelectorAll("[name]")) {
    let value = field.value;
    if (field.hasAttribute("data-lines")) {
      value = value.split("\n").map((line) => line.trim()).filter(Boolean);
    } else if (field.hasAttribute("data-vn-time")) {
      value = vietnamTime(value);
    }
    data[field.name] = value;
  }
  return data;
}

function toggle(button) {
  const form = document.getElementById(button.getAttribute("aria-controls"));
  const opening = form.hidden;
  document.querySelectorAll("form.action-form").forEach((other) => { other.hidden = true; });
  document.querySelectorAll("[data-toggle]").forEach((other) => {
    other.setAttribute("aria-expanded", "false");
  });
  form.hidden = !opening;
  button.setAttribute("aria-expanded", String(opening));
  if (opening) form.querySelector("[name]")?.focus();
}

function close(form) {
  form.hidden = true;
  document.querySelector(`[aria-controls="${form.id}"]`)?.setAttribute("aria-expanded", "false");
}

function announce(notice, form, answer) {
  notice.replaceChildren(document.createTextNode(form.dataset.done));
  if (answer?.slip_url && form.dataset.slipText) {
    const link = document.createElement("a");
    link.href = answer.slip_url;
    link.target = "_blank";
    link.rel = "noopener";
    link.dataset.slip = "apology";
    link.textContent = form.dataset.slipText;
    notice.append(" ", link);
  }
  notice.hidden = false;
}

/** Wire the actions (delegated: the forms are replaced on every refresh). */
export function wireActions({ notice, refresh }) {
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-toggle]");
    if (opener) toggle(opener);
    const cancel = event.target.closest("[data-cancel]");
    if (cancel) close(cancel.closest("form"));
  });
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.action-form");
    if (!form) return;
    event.preventDefault();
    const box = form.querySelector(".problem");
    const button = form.querySelector("button[type=submit]");
    clearProblem(box, form);
    notice.hidden = true;
    await busy(button, async () => {
      const answer = await api("POST", form.dataset.path, body(form));
      if (!answer.ok) {
        showProblem(box, answer.data, form);
        return;
      }
      announce(notice, form, answer.data);
      await refresh();
    });
  });
}
