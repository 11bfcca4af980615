// Camunda's generic form, for a step without a form of its own: named values
// (text, number, yes or no) the step's data will hold. The server judges the names
// and values (forms/generic.py); its errors are shown beside the row they name.
import { fieldPath } from "./verdict.js";

function control(tag, attributes) {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  return node;
}

function valueControl(type, texts) {
  if (type === "boolean") {
    const select = control("select", { "aria-label": texts.value, "data-value": "" });
    select.append(new Option(texts.yes, "true"), new Option(texts.no, "false"));
    return select;
  }
  return control("input", { "aria-label": texts.value, "data-value": "",
    type: type === "number" ? "number" : "text", step: "any" });
}

function read(row) {
  const type = row.querySelector("[data-type]").value;
  const raw = row.querySelector("[data-value]").value;
  if (type === "boolean") return raw === "true";
  if (type === "number") return raw.trim() === "" ? null : Number(raw);
  return raw;
}

export function genericForm(root, texts) {
  const body = root.querySelector("tbody");
  const add = root.querySelector("[data-add]");

  function addRow() {
    const row = document.createElement("tr");
    const name = control("input", { "aria-label": texts.name, "data-name": "",
      autocomplete: "off", spellcheck: "false" });
    const type = control("select", { "aria-label": texts.type, "data-type": "" });
    type.append(new Option(texts.text, "text"), new Option(texts.number, "number"),
      new Option(texts.boolean, "boolean"));
    const remove = control("button", { type: "button", class: "secondary" });
    remove.textContent = texts.remove;
    const cells = [name, type, valueControl("text", texts), remove].map((node) => {
      const cell = document.createElement("td");
      cell.append(node);
      return cell;
    });
    type.addEventListener("change", () => {
      cells[2].replaceChildren(valueControl(type.value, texts));
    });
    remove.addEventListener("click", () => { row.remove(); add.focus(); });
    row.append(...cells);
    body.append(row);
    return name;
  }

  add.addEventListener("click", () => addRow().focus());

  return {
    /** The data to send: one entry per row with a name. */
    data() {
      const data = {};
      body.querySelectorAll("tr").forEach((row) => {
        const name = row.querySelector("[data-name]").value.trim();
        if (name) data[name] = read(row);
      });
      return data;
    },
    /** Show the server's errors beside their rows; returns those no row names. */
    judge(errors) {
      this.clear();
      const rest = [];
      (errors || []).forEach((error, index) => {
        const path = fieldPath(error.field);
        const row = [...body.querySelectorAll("tr")]
          .find((tr) => tr.querySelector("[data-name]").value.trim() === path);
        if (!row) { rest.push(error); return; }
        const name = row.querySelector("[data-name]");
        const note = control("span", { class: "field-error", id: `generic-error-${index}` });
        note.textContent = error.message;
        name.setAttribute("aria-invalid", "true");
        name.setAttribute("aria-describedby", note.id);
        name.insertAdjacentElement("afterend", note);
      });
      return rest;
    },
    clear() {
      body.querySelectorAll(".field-error").forEach((node) => node.remove());
      body.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    },
    editable(on) {
      add.hidden = !on;
      add.disabled = !on;
      body.querySelectorAll("input, select, button").forEach((node) => { node.disabled = !on; });
    },
    focusFirstError() {
      body.querySelector("[aria-invalid]")?.focus();
    },
  };
}
