// The overdue and near-due lists: steps and dossiers (GET /monitor/overdue with
// kind=task and kind=dossier), most late first, each paginated, filtered by
// procedure and by how near "near due" is.
import { api, busy, clearProblem, instant, showProblem } from "../common.js";
import {
  cell, link, loading, note, procedureName, query, row, say, unitName, workTime,
} from "./util.js";

const PER_PAGE = 10;

function state(item) {
  const span = document.createElement("span");
  span.className = `status ${item.overdue ? "due-overdue" : "due-near"}`;
  span.textContent = say(item.overdue ? "overdue" : "near");
  return cell(span, "nowrap");
}

function lateness(item) {
  const hours = item.working_hours_late;
  const text = say(hours >= 0 ? "late" : "left", { time: workTime(hours) });
  return cell(text, `num ${item.overdue ? "due-overdue" : "due-near"}`);
}

const dossierLink = (code) => link(`/dossiers/${encodeURIComponent(code)}`, code);

function responsible(item) {
  const units = item.candidate_groups.map(unitName);
  return units.length ? units.join(", ") : unitName(item.handling_unit);
}

const RENDER = {
  task: (item) => row(state(item), cell(dossierLink(item.dossier_code), "nowrap"),
    cell(procedureName(item.procedure)), cell(item.name), cell(responsible(item)),
    cell(item.assignee || say("unclaimed"), item.assignee ? "" : "muted"),
    cell(instant(item.due_at)), lateness(item)),
  dossier: (item) => row(state(item), cell(dossierLink(item.dossier_code), "nowrap"),
    cell(procedureName(item.procedure)), cell(unitName(item.handling_unit)),
    cell(unitName(item.receiving_unit)), cell(instant(item.due_at)), lateness(item)),
};

/** One list (a `[data-watch=kind]` panel) and its pager. */
class Watch {
  constructor(panel, form, problem) {
    Object.assign(this, { panel, form, problem, kind: panel.dataset.watch, page: 1 });
    this.body = panel.querySelector("tbody");
    this.prev = panel.querySelector("[data-prev]");
    this.next = panel.querySelector("[data-next]");
    this.status = panel.querySelector("[data-status]");
    this.prev.addEventListener("click", () => busy(this.prev, () => this.load(this.page - 1)));
    this.next.addEventListener("click", () => busy(this.next, () => this.load(this.page + 1)));
  }

  async load(page = 1) {
    const columns = this.panel.querySelectorAll("thead th").length;
    const filters = Object.fromEntries(new FormData(this.form));
    const params = { kind: this.kind, page, per_page: PER_PAGE, ...filters };
    const answer = await loading(this.panel, () => api("GET", `/monitor/overdue?${query(params)}`));
    if (!answer.ok) {
      showProblem(this.problem, answer.data, this.form);
      return;
    }
    const { items, total } = answer.data;
    this.page = page;
    this.body.replaceChildren(...(items.length ? items.map(RENDER[this.kind])
      : [note(say("none"), columns)]));
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    this.status.textContent = say("page", { page, pages, total });
    this.panel.querySelector(".count").textContent = `(${total})`;
    this.prev.parentElement.hidden = pages === 1;
    this.prev.hidden = page <= 1;
    this.next.hidden = page >= pages;
  }
}

export function overdueSection(section) {
  const form = section.querySelector("#overdue-filter");
  const problem = section.querySelector(".problem");
  const watches = [...section.querySelectorAll("[data-watch]")]
    .map((panel) => new Watch(panel, form, problem));
  const loadAll = () => {
    clearProblem(problem, form);
    return Promise.all(watches.map((watch) => watch.load(1)));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector("button[type=submit]"), loadAll);
  });
  return loadAll;
}
