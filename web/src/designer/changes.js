// What changed between two versions: both diagrams side by side (the earlier one with
// removed elements marked, the later one with added ones), changed and moved elements
// marked on both, and a table of every change. bpmn-js-differ compares the two
// diagrams; for changed elements, the facts the engine reads (candidate groups, form
// key, allotment, timer) are compared by name, before and after.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { diff } from "bpmn-js-differ";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";
import { api } from "../common.js";

const MARKS = { added: "diff-added", removed: "diff-removed", changed: "diff-changed",
  moved: "diff-moved" };

export async function fetchXml(code, number) {
  const path = `/procedures/${encodeURIComponent(code)}/versions/${number}/bpmn`;
  const response = await api("GET", path, undefined, { raw: true });
  if (!response.ok) throw new Error(`${response.status}`);
  const charset = /charset=([^;]+)/i.exec(response.headers.get("Content-Type") || "");
  const bytes = await response.arrayBuffer();
  return new TextDecoder(charset ? charset[1].trim() : "utf-8").decode(bytes);
}

/** The facts the engine reads from an element, by name (text values). */
function facts(element) {
  const camunda = (name) => element.get?.(`camunda:${name}`);
  const found = { name: element.name, candidateGroups: camunda("candidateGroups"),
    formKey: camunda("formKey") };
  for (const extension of element.extensionElements?.values || []) {
    for (const property of extension.values || []) {
      if (property.name) found[property.name] = property.value;
    }
  }
  for (const definition of element.eventDefinitions || []) {
    const timer = definition.timeDuration || definition.timeDate || definition.timeCycle;
    if (timer) found.timer = timer.body;
  }
  if (element.conditionExpression) found.condition = element.conditionExpression.body;
  return found;
}

function differences(before, after) {
  if (!before || !after) return [];
  const [a, b] = [facts(before), facts(after)];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => (a[key] ?? "") !== (b[key] ?? ""))
    .map((key) => `${key}: ${a[key] ?? "—"} → ${b[key] ?? "—"}`);
}

export class Changes {
  constructor({ code, texts }) {
    Object.assign(this, { code, texts });
    this.left = null;
    this.right = null;
  }

  viewers() {
    if (!this.left) {
      const options = (id) => ({ container: document.getElementById(id),
        moddleExtensions: { camunda: camundaModdle } });
      this.left = new NavigatedViewer(options("compare-left"));
      this.right = new NavigatedViewer(options("compare-right"));
    }
    return [this.left, this.right];
  }

  /** Compare version `from` (before) with version `to` (after). */
  async compare(from, to) {
    const [xmlA, xmlB] = await Promise.all([fetchXml(this.code, from), fetchXml(this.code, to)]);
    document.getElementById("compare-result").hidden = false;
    const caption = (id, text, n) => {
      document.getElementById(id).textContent = text.replace("{n}", n);
    };
    caption("compare-left-caption", this.texts.left, from);
    caption("compare-right-caption", this.texts.right, to);
    const [left, right] = this.viewers();
    await left.importXML(xmlA);
    await right.importXML(xmlB);
    const found = diff(left.getDefinitions(), right.getDefinitions());
    const rows = [
      ...Object.values(found._added).map((element) => [element, "added", [], right]),
      ...Object.values(found._removed).map((element) => [element, "removed", [], left]),
      ...Object.entries(found._changed).map(([id, change]) => [change.model, "changed",
        this.changeNotes(id, change, left), right]),
      ...Object.values(found._layoutChanged)
        .filter((element) => !found._changed[element.id] && !found._added[element.id])
        .map((element) => [element, "moved", [], right]),
    ];
    for (const [element, kind] of rows) {
      const on = { added: [right], removed: [left] }[kind] || [left, right];
      for (const viewer of on) {
        if (viewer.get("elementRegistry").get(element.id)) {
          viewer.get("canvas").addMarker(element.id, MARKS[kind]);
        }
      }
    }
    for (const viewer of [left, right]) viewer.get("canvas").zoom("fit-viewport");
    this.renderTable(rows);
    return rows.length;
  }

  changeNotes(id, change, left) {
    const before = left.get("elementRegistry").get(id)?.businessObject;
    const notes = differences(before, change.model);
    const others = Object.keys(change.attrs)
      .filter((name) => !/^extensionElements|^name$/.test(name));
    if (others.length) notes.push(this.texts.attributes.replace("{names}", others.join(", ")));
    return notes;
  }

  renderTable(rows) {
    const body = document.getElementById("changes-body");
    body.replaceChildren();
    if (!rows.length) {
      const tr = body.insertRow();
      const td = tr.insertCell();
      td.colSpan = 3;
      td.textContent = this.texts.no_changes;
      return;
    }
    for (const [element, kind, notes] of rows) {
      const tr = body.insertRow();
      tr.dataset.change = kind;
      tr.dataset.elementId = element.id;
      tr.insertCell().textContent = element.name ? `${element.id} · ${element.name}` : element.id;
      tr.insertCell().textContent = (element.$type || "").replace(/^bpmn:/, "");
      const what = tr.insertCell();
      const tag = document.createElement("span");
      tag.className = `status ${MARKS[kind]}`;
      tag.textContent = this.texts[kind];
      what.append(tag);
      for (const note of notes) {
        const line = document.createElement("div");
        line.className = "small";
        line.textContent = note;
        what.append(line);
      }
    }
  }
}
