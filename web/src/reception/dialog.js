// The decision dialog: what an outcome needs beyond the click (the missing papers
// and a note, the reason for refusing, how the result goes back). `ask` shows the
// part the action needs, sends it with `send(body)` and keeps the dialog open with
// the server's problem beside its fields until it goes through or is cancelled.
import { busy, clearProblem } from "../common.js";
import { explain } from "./problem.js";

const PARTS = { supplement: "supplement", refuse: "refuse", return: "return" };

function paperBox(paper, checked) {
  const label = document.createElement("label");
  label.className = "check";
  const input = document.createElement("input");
  input.type = "checkbox";
  input.name = "missing-paper";
  input.value = paper;
  input.checked = checked;
  label.append(input, ` ${paper}`);
  return label;
}

function show(box, kind, { title, subject, papers, missing }) {
  box.querySelector("#decision-title").textContent = title;
  box.querySelector("#decision-subject").textContent = subject || "";
  for (const part of box.querySelectorAll("[data-part]")) {
    part.hidden = !part.dataset.part.split(" ").includes(PARTS[kind]);
  }
  box.querySelector("#decision-papers")
    .replaceChildren(...papers.map((paper) => paperBox(paper, missing.includes(paper))));
  box.querySelector("fieldset.papers").hidden = papers.length === 0;
  box.querySelector("#decision-reason").required = kind === "refuse";
  const confirm = box.querySelector("#decision-confirm");
  confirm.textContent = confirm.dataset[kind];
  confirm.className = kind === "refuse" ? "danger" : "";
}

/** The body `kind` sends, or null once the browser has said what is missing. */
function bodyOf(kind, form, texts) {
  const note = form.elements.note.value.trim();
  if (kind === "refuse") {
    return form.reportValidity() ? { reason: form.elements.reason.value.trim() } : null;
  }
  if (kind === "return") return { channel: form.elements.channel.value, note };
  const typed = form.elements.missing;
  const missing = [...form.querySelectorAll("input[name=missing-paper]:checked")]
    .map((box) => box.value)
    .concat(typed.value.split("\n").map((line) => line.trim()).filter(Boolean));
  typed.setCustomValidity(missing.length ? "" : texts.no_missing);
  if (!typed.reportValidity()) return null;
  return { missing, note };
}

/** Whether `problem` is about the dialog's own fields (else the caller's form shows it). */
function concernsDialog(problem, form) {
  const errors = problem?.errors || [];
  return errors.length === 0 || errors.some((error) => form.elements[String(error.field).split(".")[0]]);
}

/** Ask for what `kind` needs and send it; resolves to the answer, or null if cancelled.
 *  A failure about fields the dialog lacks closes it and resolves to that answer. */
export function ask(kind, options, send, texts) {
  const box = document.getElementById("decision");
  const form = box.querySelector("form");
  const problem = box.querySelector("#decision-problem");
  form.reset();
  form.elements.missing.setCustomValidity("");
  clearProblem(problem, form);
  show(box, kind, { papers: [], missing: [], ...options });
  const stop = new AbortController();
  return new Promise((resolve) => {
    const done = (value) => {
      stop.abort();
      if (box.open) box.close();
      resolve(value);
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearProblem(problem, form);
      const body = bodyOf(kind, form, texts);
      if (body === null) return;
      const confirm = box.querySelector("#decision-confirm");
      const answer = await busy(confirm, () => send(body));
      if (answer.ok || !concernsDialog(answer.data, form)) done(answer);
      else explain(problem, answer.data, form);
    }, { signal: stop.signal });
    box.querySelector("[data-close]").addEventListener("click", () => done(null),
      { signal: stop.signal });
    box.addEventListener("close", () => done(null), { signal: stop.signal });
    box.showModal();
  });
}
