// The inbox (/inbox): Claim on each row of the Available tab calls the API and
// turns the row into a link to the claimed step, without reloading the page; a
// refusal (409: someone claimed it first, or its dossier waits) is shown above
// the table and on the row.
import { api, busy, pageData, showProblem } from "./common.js";
import "./inbox.css";

const { texts } = pageData();
const box = document.getElementById("inbox-problem");

function bump(tab, by) {
  const count = document.querySelector(`[data-count="${tab}"]`);
  if (count) count.textContent = String(Math.max(0, Number(count.textContent) + by));
}

function claimed(button) {
  const row = button.closest("tr");
  const cell = button.closest("td");
  const note = document.createElement("span");
  note.className = "claimed";
  note.setAttribute("role", "status");
  note.textContent = texts.claimed;
  const open = document.createElement("a");
  open.className = "button";
  open.href = button.dataset.open;
  open.textContent = texts.open;
  cell.replaceChildren(open, note);
  row.classList.add("done");
  bump("available", -1);
  bump("mine", 1);
  open.focus();
}

function refused(button, problem) {
  showProblem(box, { ...problem, title: texts.failed });
  const row = button.closest("tr");
  row.classList.add("refused");
  row.setAttribute("aria-invalid", "true");
  button.disabled = true;
  box.scrollIntoView({ block: "nearest" });
}

// the buttons come disabled: a click before this script runs would do nothing
document.querySelectorAll("button[data-claim]").forEach((button) => {
  button.disabled = false;
  button.addEventListener("click", async () => {
    showProblem(box, null);
    const answer = await busy(button, () => api("POST", button.dataset.claim));
    if (answer.ok) claimed(button);
    else refused(button, answer.data);
  });
});
