// The heatmap on the diagram: a procedure version's BPMN in a bpmn-js
// NavigatedViewer, each user task coloured by how many steps wait there now
// (classes heat-1..heat-4), marked `heat-overdue` when some are past due, with an
// overlay of its counts and waits; the same figures as a table under it
// (GET /monitor/heatmap/{code}/{version}?from&to).
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { api, busy, clearProblem, showProblem } from "../common.js";
import { addDays, cell, data, day, iso, num, query, row, say, wait } from "./util.js";

const LEVELS = 4;
const OVERDUE = "heat-overdue";

function intensity(open, most) {
  return open && most ? Math.max(1, Math.ceil((LEVELS * open) / most)) : 0;
}

function badge(element) {
  const box = document.createElement("div");
  box.className = `heat-badge${element.overdue ? " late" : ""}`;
  const counts = document.createElement("div");
  counts.textContent = say("open_count", { count: num(element.open) });
  if (element.overdue) {
    const late = document.createElement("strong");
    late.textContent = ` · ${say("overdue_count", { count: num(element.overdue) })}`;
    counts.append(late);
  }
  box.append(counts);
  if (element.completed) {
    const waits = document.createElement("div");
    waits.textContent = say("waits", { mean: wait(element.mean_wait_working_hours),
      p90: wait(element.p90_wait_working_hours) });
    box.append(waits);
  }
  return box;
}

function tableRow(element) {
  return row(cell(element.name), cell(element.lane || ""), cell(num(element.open), "num"),
    cell(num(element.overdue), `num${element.overdue ? " due-overdue" : ""}`),
    cell(num(element.completed), "num"), cell(wait(element.mean_wait_working_hours), "num"),
    cell(wait(element.p90_wait_working_hours), "num"));
}

function summary(elements) {
  const sum = (key) => elements.reduce((total, element) => total + element[key], 0);
  if (!sum("open") && !sum("completed")) return say("no_heat");
  return say("heat_summary", { open: num(sum("open")), overdue: num(sum("overdue")),
    completed: num(sum("completed")) });
}

class Heatmap {
  constructor(section) {
    this.section = section;
    this.form = section.querySelector("#heatmap-form");
    this.problem = section.querySelector(".problem");
    this.table = section.querySelector("#heat-table");
    this.status = section.querySelector("#heat-summary");
    this.marked = [];
    this.form.elements.from.value = day(addDays(data.today, -29));
    this.form.elements.to.value = day(data.today);
    this.form.elements.procedure.addEventListener("change", () => this.chooseProcedure());
    this.form.elements.version.addEventListener("change", () => this.submit());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  chooseProcedure() {
    const code = this.form.elements.procedure.value;
    if (!code) return;
    const procedure = data.procedures.find((p) => p.code === code);
    const select = this.form.elements.version;
    select.replaceChildren(...(procedure?.versions || []).map((number) => new Option(number, number)));
    select.value = procedure?.versions.at(-1) ?? "";
    this.submit();
  }

  submit() {
    if (!this.form.elements.procedure.value || !this.form.elements.version.value) return;
    busy(this.form.querySelector("button[type=submit]"), () => this.draw());
  }

  viewer() {
    this.bpmn ||= new NavigatedViewer({ container: this.section.querySelector("#heatmap-diagram") });
    return this.bpmn;
  }

  async draw() {
    const { procedure, version, from, to } = Object.fromEntries(new FormData(this.form));
    const path = `/procedures/${encodeURIComponent(procedure)}/versions/${version}`;
    clearProblem(this.problem, this.form);
    this.status.textContent = say("loading");
    const [diagram, heat] = await Promise.all([api("GET", `${path}/bpmn`, undefined, { raw: true }),
      api("GET", `/monitor/heatmap/${encodeURIComponent(procedure)}/${version}?${
        query({ from: iso(from), to: iso(to) })}`)]);
    if (!heat.ok || !diagram.ok) {
      this.status.textContent = "";
      showProblem(this.problem, heat.ok ? { title: diagram.statusText } : heat.data, this.form);
      return;
    }
    const viewer = this.viewer();
    await viewer.importXML(await diagram.text());
    viewer.get("canvas").zoom("fit-viewport", "auto");
    this.paint(heat.data.elements);
    this.status.textContent = summary(heat.data.elements);
    this.table.querySelector("tbody").replaceChildren(...heat.data.elements.map(tableRow));
    this.table.hidden = false;
  }

  paint(elements) {
    const canvas = this.viewer().get("canvas");
    const overlays = this.viewer().get("overlays");
    const registry = this.viewer().get("elementRegistry");
    const most = Math.max(0, ...elements.map((element) => element.open));
    overlays.clear();
    for (const element of elements) {
      if (!registry.get(element.element_id)) continue;
      const level = intensity(element.open, most);
      if (level) canvas.addMarker(element.element_id, `heat-${level}`);
      if (element.overdue) canvas.addMarker(element.element_id, OVERDUE);
      if (element.open || element.completed) {
        overlays.add(element.element_id, "heat", { position: { bottom: -4, left: -10 },
          html: badge(element) });
      }
    }
  }
}

export function heatmapSection(section) {
  const heatmap = new Heatmap(section);
  // A procedure chosen while this module was loading has not drawn yet.
  return () => (heatmap.form.elements.version.value ? heatmap.submit() : heatmap.chooseProcedure());
}
