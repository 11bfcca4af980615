// The walk-in form: the procedure's part (handling units, papers) fetched from the
// server when the procedure changes; scanned files kept until the dossier exists;
// the desk's outcome sent as one `POST /dossiers` (the server's field errors shown
// beside the fields), the files attached, then the dossier's page confirms it.
import { api, busy, clearProblem, lang, showProblem } from "../common.js";
import { explain } from "./problem.js";
import { ask } from "./dialog.js";

const APPLICANT = ["name", "id_number", "phone", "email", "address"];
const KINDS = { supplement: "supplement", refused: "refuse" };

function value(form, name) {
  const field = form.elements[name];
  return field && !field.disabled ? field.value.trim() : "";
}

function dossierBody(form) {
  const applicant = {};
  for (const key of APPLICANT) {
    const text = value(form, `applicant.${key}`);
    if (text) applicant[key] = text;
  }
  const body = { procedure: value(form, "procedure"), channel: "direct", applicant };
  for (const name of ["handling_unit", "receiving_unit"]) {
    if (value(form, name)) body[name] = value(form, name);
  }
  return body;
}

async function loadProcedure(form) {
  const code = form.elements.procedure.value;
  const slots = { unit: document.getElementById("unit-slot"),
    papers: document.getElementById("papers-slot") };
  if (!code) return;
  slots.unit.setAttribute("aria-busy", "true");
  try {
    const url = form.dataset.procedureUrl.replace("CODE", encodeURIComponent(code));
    const response = await fetch(url, { credentials: "same-origin",
      headers: { "Accept-Language": lang() } });
    const html = response.ok ? await response.text() : null;
    if (html === null || form.elements.procedure.value !== code) return;  // changed since
    const parsed = document.createElement("template");
    parsed.innerHTML = html;
    for (const [name, slot] of Object.entries(slots)) {
      const part = parsed.content.querySelector(`[data-slot="${name}"]`);
      if (part) slot.replaceChildren(...part.childNodes);
    }
    slots.unit.dataset.loaded = code;
  } finally {
    slots.unit.removeAttribute("aria-busy");
  }
}

/** The files waiting for the dossier: [{type, file}], drawn in the #staged table. */
function stagedFiles(form, texts, limits, problem) {
  const files = [];
  const table = document.getElementById("staged");
  const draw = () => {
    table.hidden = files.length === 0;
    table.tBodies[0].replaceChildren(...files.map((item, index) => {
      const row = document.createElement("tr");
      row.insertCell().textContent = item.type;
      row.insertCell().textContent = `${item.file.name} (${Math.ceil(item.file.size / 1024)} KB)`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = texts.remove;
      remove.addEventListener("click", () => { files.splice(index, 1); draw(); });
      row.insertCell().append(remove);
      return row;
    }));
  };
  document.getElementById("add-file").addEventListener("click", () => {
    const input = document.getElementById("document-file");
    const file = input.files[0];
    const type = value(form, "document_type");
    clearProblem(problem);
    let trouble = null;
    if (!file || !type) trouble = texts.choose_file;
    else if (file.size > limits.max_bytes) {
      trouble = texts.too_large.replace("%(name)s", file.name)
        .replace("%(size)s", String(Math.floor(limits.max_bytes / 1e6)));
    } else if (!limits.types.includes(file.type)) {
      trouble = texts.wrong_type.replace("%(name)s", file.name);
    }
    if (trouble) { showProblem(problem, { detail: trouble }); return; }
    files.push({ type, file });
    input.value = "";
    draw();
  });
  return files;
}

async function attach(code, files) {
  let unsent = 0;
  for (const item of files) {
    const data = new FormData();
    data.append("file", item.file, item.file.name);
    data.append("document_type", item.type);
    data.append("digitized", "true");
    const answer = await api("POST", `/dossiers/${encodeURIComponent(code)}/documents`, data);
    if (!answer.ok) unsent += 1;
  }
  return unsent;
}

async function decide(form, outcome, body, texts) {
  if (outcome === "received") return api("POST", "/dossiers", body);
  const kind = KINDS[outcome];
  const papers = [...form.querySelectorAll("input[name=paper]")];
  return ask(kind, {
    title: texts[kind], subject: body.applicant.name || "",
    papers: papers.map((box) => box.value),
    missing: papers.filter((box) => !box.checked).map((box) => box.value),
  }, (extra) => api("POST", "/dossiers", { ...body, outcome, ...extra }), texts);
}

export function setUpWalkIn({ texts, max_bytes: maxBytes, types, done_url: doneUrl }) {
  const form = document.getElementById("walkin");
  if (!form) return;
  const problem = document.getElementById("walkin-problem");
  const status = document.getElementById("walkin-status");
  const files = stagedFiles(form, texts, { max_bytes: maxBytes, types }, problem);
  form.elements.procedure.addEventListener("change", () => loadProcedure(form));
  // chosen before this script ran, or restored by the browser: its part is not shown yet
  if (form.elements.procedure.value !== document.getElementById("unit-slot").dataset.loaded) {
    loadProcedure(form);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.submitter || form.querySelector("[data-outcome]");
    const outcome = button.dataset.outcome || "received";
    clearProblem(problem, form);
    if (!form.reportValidity()) return;
    await busy(button, async () => {
      status.textContent = texts.working;
      const answer = await decide(form, outcome, dossierBody(form), texts);
      status.textContent = "";
      if (!answer) return;
      if (!answer.ok) {
        explain(problem, answer.data, form);
        form.querySelector("[aria-invalid=true]")?.focus();
        return;
      }
      const code = answer.data.code;
      status.textContent = texts.working;
      const unsent = outcome === "refused" ? 0 : await attach(code, files);
      const target = new URL(doneUrl.replace("CODE", encodeURIComponent(code)), location.href);
      target.searchParams.set("done", outcome);
      if (unsent) target.searchParams.set("unsent", String(unsent));
      location.assign(target);
    });
  });
}
