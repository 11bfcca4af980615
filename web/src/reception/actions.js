// The desk's actions on a dossier already opened, in the lists' rows and on the
// dossier's page: receive, request a supplement or refuse an online submission,
// hand back a result, attach a scan or reuse the applicant's earlier document, and
// print a slip (opened in a window of its own, then printed from there).
import { api, busy, clearProblem } from "../common.js";
import { explain } from "./problem.js";
import { ask } from "./dialog.js";

const ACTIONS = {  // action: [API path, outcome shown after]
  receive: ["receive", "received"],
  supplement: ["supplement-request", "supplement"],
  refuse: ["refuse", "refused"],
  return: ["return", "returned"],
};

function doneAt(doneUrl, code, done) {
  const target = new URL(doneUrl.replace("CODE", encodeURIComponent(code)), location.href);
  target.searchParams.set("done", done);
  return target;
}

async function act(button, data) {
  const holder = button.closest("[data-code]");
  const code = holder.dataset.code;
  const [path, done] = ACTIONS[button.dataset.action];
  const send = (body) => api("POST", `/dossiers/${encodeURIComponent(code)}/${path}`, body);
  const problem = document.getElementById("list-problem");
  clearProblem(problem);
  let answer;
  if (button.dataset.action === "receive") {
    answer = await busy(button, () => send({}));
  } else {
    const papers = JSON.parse(holder.dataset.papers || "[]");
    answer = await ask(button.dataset.action, { title: data.texts[button.dataset.action],
      subject: code, papers }, send, data.texts);
    if (!answer) return;
  }
  if (answer.ok) location.assign(doneAt(data.done_url, code, done));
  else explain(problem, answer.data);
}

async function upload(form, data) {
  const problem = document.getElementById("upload-problem");
  clearProblem(problem, form);
  if (!form.reportValidity()) return;
  const body = new FormData(form);
  if (!body.get("pages")) body.delete("pages");
  const button = form.querySelector("button[type=submit]");
  const answer = await busy(button,
    () => api("POST", `/dossiers/${encodeURIComponent(data.code)}/documents`, body));
  if (answer.ok) location.assign(doneAt(data.done_url, data.code, "attached"));
  else explain(problem, answer.data, form);
}

async function reuse(button, data) {
  const problem = document.getElementById("list-problem");
  clearProblem(problem);
  const answer = await busy(button, () => api("POST",
    `/dossiers/${encodeURIComponent(data.code)}/documents`, { reuse: Number(button.dataset.reuse) }));
  if (answer.ok) location.assign(doneAt(data.done_url, data.code, "attached"));
  else explain(problem, answer.data);
}

/** Open the slip in its own window and print it there once it has loaded. */
function print(button) {
  const slip = window.open(button.dataset.print, "_blank");
  if (!slip) return;
  busy(button, () => new Promise((resolve) => {
    const started = Date.now();
    const wait = setInterval(() => {
      let ready = false;
      try {
        ready = slip.location.href !== "about:blank" && slip.document.readyState === "complete";
      } catch { ready = false; }
      if (ready) slip.print();
      if (ready || slip.closed || Date.now() - started > 15000) {
        clearInterval(wait);
        resolve();
      }
    }, 200);
  }));
}

export function setUpActions(data) {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.action in ACTIONS) act(button, data);
    else if (button.dataset.reuse) reuse(button, data);
    else if (button.dataset.print) print(button);
  });
  const form = document.getElementById("upload");
  form?.addEventListener("submit", (event) => { event.preventDefault(); upload(form, data); });
}
