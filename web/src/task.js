// The task page (/tasks/<id>): the step's form rendered with form-js from the
// definition the server validates (or the generic form of a step without one),
// Claim when the visitor is a candidate, and Complete, which sends the data. The
// server judges it: on 422 its field errors appear beside the fields (through
// form-js's own error state, see inbox/verdict.js) with a summary at the top; on
// success the inbox opens with a notice.
import { Form } from "@bpmn-io/form-js-viewer";
import "@bpmn-io/form-js-viewer/dist/assets/form-js.css";
import { api, busy, pageData, showProblem } from "./common.js";
import { genericForm } from "./inbox/generic.js";
import { fieldPath, verdictModule } from "./inbox/verdict.js";
import "./inbox.css";

const page = pageData();
const { texts } = page;
const box = document.getElementById("task-problem");
const status = document.getElementById("task-status");
const claimButton = document.querySelector("[data-claim]");
const completeButton = document.querySelector("[data-complete]");
let editor = null;

async function formJs() {
  const form = new Form({ container: document.getElementById("task-form"),
    additionalModules: [verdictModule], properties: { readOnly: !page.mine } });
  await form.importSchema(page.task.form, page.values || {});
  const verdict = form.get("validator");
  const registry = form.get("formFieldRegistry");

  function where(instance) {
    const field = registry.get(instance.id);
    const indexes = Object.values(instance.indexes || {}).map((i) => `_${i}`).join("");
    return { label: field.label || field.key, domId: `fjs-form-${form._id}-${field.id}${indexes}` };
  }

  return {
    data() {
      const { data } = form.submit();
      // read-only fields show data; the server takes no input for them
      registry.getAll().filter((field) => field.readonly === true && field.key)
        .forEach((field) => { delete data[field.key]; });
      return data;
    },
    judge(errors, data) {
      verdict.judge(errors, data);
      form.validate();
      const instances = new Map(form.get("formFieldInstanceRegistry").getAllKeyed()
        .map((instance) => [(instance.valuePath || []).join("."), instance]));
      const placed = [], rest = [];
      for (const error of errors || []) {
        const instance = instances.get(fieldPath(error.field));
        if (instance) placed.push({ ...error, ...where(instance) });
        else rest.push(error);
      }
      return { placed, rest };
    },
    editable(on) {
      form.setProperty("readOnly", !on);
    },
  };
}

function generic() {
  const form = genericForm(document.getElementById("generic-form"), texts);
  form.editable(page.mine);
  return {
    data: () => form.data(),
    judge(errors) {
      const rest = form.judge(errors);
      const placed = (errors || []).filter((error) => !rest.includes(error))
        .map((error, index) => ({ ...error, label: fieldPath(error.field),
          domId: null, index }));
      return { placed, rest };
    },
    editable: (on) => form.editable(on),
  };
}

function focusField(error) {
  const field = error.domId
    ? document.getElementById(error.domId)
      || document.getElementById(`${error.domId}-error-message`)?.closest(".fjs-form-field")
        ?.querySelector("input, textarea, select, button")
    : document.querySelectorAll("#generic-form [aria-invalid]")[error.index];
  field?.focus();
}

/** The summary at the top: what the server refused, each line leading to its field. */
function summarise(problem, { placed, rest }) {
  box.replaceChildren();
  box.hidden = false;
  const head = document.createElement("p");
  head.className = "summary-head";
  head.textContent = texts.invalid;
  const list = document.createElement("ul");
  for (const error of placed) {
    const link = document.createElement("a");
    link.href = "#";
    link.textContent = `${error.label}: ${error.message}`;
    link.addEventListener("click", (event) => { event.preventDefault(); focusField(error); });
    const item = document.createElement("li");
    item.append(link);
    list.append(item);
  }
  for (const error of rest) {
    const item = document.createElement("li");
    item.textContent = `${texts.other_fields}: ${error.field ? `${error.field}: ` : ""}${error.message}`;
    list.append(item);
  }
  if (!placed.length && !rest.length && problem.detail) {
    const item = document.createElement("li");
    item.textContent = problem.detail;
    list.append(item);
  }
  box.append(head, list);
  box.scrollIntoView({ block: "nearest" });
}

async function complete() {
  showProblem(box, null);
  status.hidden = true;
  const data = editor.data();
  const answer = await busy(completeButton, () => api("POST",
    `/tasks/${encodeURIComponent(page.task.id)}/complete`, { data }));
  if (answer.ok) {
    const target = new URL(page.inbox, location.href);
    target.searchParams.set("completed", page.task.id);
    location.assign(target.href);
  } else if (answer.status === 422 && answer.data?.errors?.length) {
    summarise(answer.data, editor.judge(answer.data.errors, data));
  } else {
    showProblem(box, { ...answer.data, title: texts.failed });
  }
}

async function claim() {
  showProblem(box, null);
  const answer = await busy(claimButton, () => api("POST",
    `/tasks/${encodeURIComponent(page.task.id)}/claim`));
  if (!answer.ok) {
    showProblem(box, { ...answer.data, title: texts.claim_failed });
    return;
  }
  claimButton.remove();
  completeButton.hidden = false;
  editor.editable(true);
  const assignee = document.querySelector("[data-assignee]");
  assignee.textContent = assignee.dataset.me;
  status.textContent = texts.claimed;
  status.hidden = false;
}

async function start() {
  editor = page.task.form ? await formJs() : generic();
  // the buttons come disabled: a click before the form is ready would do nothing
  claimButton?.addEventListener("click", claim);
  completeButton?.addEventListener("click", complete);
  [claimButton, completeButton].forEach((button) => { if (button) button.disabled = false; });
}

start().catch((error) => showProblem(box, { title: texts.failed, detail: String(error) }));
